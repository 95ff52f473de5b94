/**
 * `smoothgate` command dispatch (INTERFACE.md §2). Each command lives in its own file; this one only
 * picks it and maps errors to exit codes: 0 success, 1 check/cases failed, 2 usage or configuration.
 */
import { SgError, isSgError } from '../errors';

export type CommandFn = (argv: string[]) => Promise<number>;

const COMMANDS: Record<string, () => Promise<CommandFn>> = {
  check: async () => (await import('./check-command')).run,
  explain: async () => (await import('./explain-command')).run,
  conformance: async () => (await import('./conformance-command')).run,
  serve: async () => (await import('./serve-command')).run,
};

export const USAGE = `usage: smoothgate <command> [options]

commands:
  serve                 run the gateway in the foreground
  check                 load the configuration (apachectl configtest) and print a migration report
  explain [METHOD] URL  show how one request is routed, step by step
  conformance FILE…     run conformance cases through the routing core

common options: --config PATH, --httpd-conf PATH, -D NAME, --log-level LEVEL, --json
`;

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(USAGE);
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    process.stdout.write(`${require('../../../package.json').version}\n`);
    return 0;
  }
  const load = COMMANDS[name];
  if (!load) {
    process.stderr.write(`smoothgate: unknown command '${name}'\n${USAGE}`);
    return 2;
  }
  try {
    return await (await load())(rest);
  } catch (err) {
    if (isSgError(err)) {
      process.stderr.write(`smoothgate ${name}: ${err.describe()} [${err.code}]\n`);
      return 2;
    }
    throw err;
  }
}

export function usageError(text: string): SgError {
  return new SgError('SG_ERR_CLI_USAGE', { text });
}
