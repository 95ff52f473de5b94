/**
 * A small, strict command-line parser for the commands of INTERFACE.md §2: long flags with values
 * (`--flag value` or `--flag=value`), repeatable flags, booleans, `-D NAME` and `-H 'N: v'`.
 */
import { usageError } from './main';

export interface FlagSpec {
  readonly [name: string]: 'string' | 'boolean' | 'repeat';
}

export interface ParsedArgs {
  readonly flags: Record<string, string | boolean | string[] | undefined>;
  readonly positional: string[];
}

export function parseArgs(argv: readonly string[], spec: FlagSpec, shortAliases: Record<string, string> = {}): ParsedArgs {
  const flags: Record<string, string | boolean | string[] | undefined> = {};
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    let name: string | undefined;
    let inline: string | undefined;
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
      inline = eq >= 0 ? arg.slice(eq + 1) : undefined;
    } else if (arg.length >= 2 && arg.startsWith('-') && shortAliases[arg.slice(0, 2)]) {
      name = shortAliases[arg.slice(0, 2)];
      inline = arg.length > 2 ? arg.slice(2) : undefined;
    } else {
      positional.push(arg);
      continue;
    }
    const kind = spec[name!];
    if (!kind) throw usageError(`unknown option ${arg}`);
    if (kind === 'boolean') {
      if (inline !== undefined) throw usageError(`option --${name} takes no value`);
      flags[name!] = true;
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined) throw usageError(`option --${name} needs a value`);
    if (kind === 'repeat') flags[name!] = [...((flags[name!] as string[] | undefined) ?? []), value];
    else flags[name!] = value;
  }
  return { flags, positional };
}
