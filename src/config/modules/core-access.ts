/**
 * core's Options, AllowOverride and AllowOverrideList (server/core.c set_options, set_override,
 * set_override_list; SPEC-NOTES §4.3.3, §4.5.4).
 */
import { NOT_IN_HTACCESS, NOT_IN_FILES, NOT_IN_LOCATION, checkCmdContext } from '../context-flags';
import type { CmdParms, DirectiveDef, OverrideClass } from '../module';
import type { CoreDirConf, CoreServerConf } from '../records';
import { OPT_EVERYTHING, OPT_ALL, bitsOfNames, optionNames, parseAllowOpts, parseOptionsLine } from './core-options';
import { ACCESS, directive, fail, orClass } from './define';
import { splitWords } from '../lexer';

type CoreDirective = DirectiveDef<CoreServerConf, CoreDirConf>;

function facts(p: CmdParms) {
  return { isVirtual: p.server.isVirtual, inLimit: (p.limit ?? null) !== null, inHtaccess: p.inHtaccess === true, hasPath: p.path !== null, sectionNames: p.sectionNames ?? [] };
}

function setOptions(p: CmdParms, dir: CoreDirConf, raw: string): void {
  const allowed = p.override ? (p.override.allowedOptions ? bitsOfNames(p.override.allowedOptions) : OPT_EVERYTHING) : OPT_EVERYTHING;
  const line = parseOptionsLine(splitWords(raw), allowed, {
    opts: dir.optionsExplicit ? (dir.optionBits ?? 0) : null,
    add: dir.optionAddBits ?? 0,
    remove: dir.optionRemoveBits ?? 0,
  });
  dir.optionAddBits = line.add;
  dir.optionRemoveBits = line.remove;
  dir.optionsAdd = optionNames(line.add);
  dir.optionsRemove = optionNames(line.remove);
  if (line.absolute !== null) {
    dir.optionsExplicit = true;
    dir.optionBits = line.absolute;
    dir.options = optionNames(line.absolute);
  }
  const effective = line.absolute ?? line.add;
  if (effective & 1) p.note?.('ignored', 'Options Indexes: directory listings are answered 403 by smoothgate');
  if (effective & 128) p.note?.('ignored', 'Options MultiViews: content negotiation is not emulated (404 where Apache would negotiate)');
  if (effective & 2) p.backendOnly?.('Options Includes (SSI) needs the backend');
}

const CLASS_WORDS: Record<string, OverrideClass> = {
  limit: 'Limit',
  fileinfo: 'FileInfo',
  authconfig: 'AuthConfig',
  indexes: 'Indexes',
};

function setOverride(p: CmdParms, dir: CoreDirConf, raw: string): void {
  if (checkCmdContext('AllowOverride', facts(p), NOT_IN_LOCATION | NOT_IN_FILES)) {
    p.warn(`Useless use of AllowOverride in line ${p.where.line} of ${p.where.file}.`);
  }
  const classes = new Set<OverrideClass>();
  let nonfatalOverride = false;
  let nonfatalUnknown = false;
  let optionBits: number | undefined;
  for (const word of splitWords(raw)) {
    const eq = word.indexOf('=');
    const key = (eq < 0 ? word : word.slice(0, eq)).toLowerCase();
    const value = eq < 0 ? null : word.slice(eq + 1);
    const cls = CLASS_WORDS[key];
    if (cls) classes.add(cls);
    else if (key === 'options') {
      classes.add('Options');
      optionBits = value === null ? OPT_ALL : parseAllowOpts(value);
    } else if (key === 'nonfatal') {
      if (value === null) throw fail(`=Override, =Unknown or =All expected after ${word}`);
      const v = value.toLowerCase();
      if (v === 'override' || v === 'all') nonfatalOverride = true;
      if (v === 'unknown' || v === 'all') nonfatalUnknown = true;
    } else if (key === 'none') {
      classes.clear();
      nonfatalOverride = false;
      nonfatalUnknown = false;
    } else if (key === 'all') {
      for (const c of ['AuthConfig', 'FileInfo', 'Indexes', 'Limit', 'Options'] as const) classes.add(c);
      nonfatalOverride = false;
      nonfatalUnknown = false;
    } else {
      throw fail(`Illegal override option ${eq < 0 ? word : word.slice(0, eq)}`);
    }
  }
  dir.allowOverride = classes;
  dir.allowOverrideNonfatal = { override: nonfatalOverride, unknown: nonfatalUnknown };
  if (optionBits !== undefined) {
    dir.allowOverrideOptionBits = optionBits;
    dir.allowOverrideOptions = optionNames(optionBits);
  }
}

function setOverrideList(p: CmdParms, dir: CoreDirConf, argv: string[]): void {
  if (checkCmdContext('AllowOverrideList', facts(p), NOT_IN_LOCATION | NOT_IN_FILES)) {
    p.warn(`Useless use of AllowOverrideList at ${p.where.file}:${p.where.line}`);
  }
  const list = new Set<string>();
  for (const name of argv) {
    if (name.toLowerCase() === 'none') {
      if (argv.length !== 1) throw fail("'None' not allowed with other directives in AllowOverrideList");
      dir.allowOverrideList = list;
      return;
    }
    const def = p.lookupDirective?.(name);
    if (!def) {
      p.warn(`Discarding unrecognized directive \`${name}' in AllowOverrideList at ${p.where.file}:${p.where.line}`);
      continue;
    }
    if (!def.contexts.sections && !def.contexts.override) {
      p.warn(`Discarding directive \`${name}' not allowed in AllowOverrideList at ${p.where.file}:${p.where.line}`);
      continue;
    }
    list.add(name.toLowerCase());
  }
  dir.allowOverrideList = list;
}

export const CORE_ACCESS_DIRECTIVES: CoreDirective[] = [
  directive('Options', orClass('Options'), 'raw', 'Set a number of attributes for a given directory', (p, dir, _s, [raw]) => setOptions(p, dir, raw as string)),
  directive('AllowOverride', ACCESS, 'raw', 'Controls what groups of directives can be configured by per-directory config files', (p, dir, _s, [raw]) => setOverride(p, dir, raw as string), { notIn: NOT_IN_HTACCESS }),
  directive('AllowOverrideList', ACCESS, 'takeArgv', 'Controls what individual directives can be configured by per-directory config files', (p, dir, _s, argv) => setOverrideList(p, dir, argv), { notIn: NOT_IN_HTACCESS }),
];
