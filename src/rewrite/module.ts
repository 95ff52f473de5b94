/**
 * mod_rewrite's directive table and configuration records (mod_rewrite.c `command_table`,
 * `cmd_rewriteengine`, `cmd_rewriteoptions`, `cmd_rewritebase`, `cmd_rewritecond`,
 * `cmd_rewriterule`, `cmd_rewritemap`, `config_server_create/merge`, `config_perdir_create/merge`).
 * All directives are allowed wherever AllowOverride FileInfo admits them, except RewriteMap
 * (server and virtual host only).
 */
import { statSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { SgError } from '../errors';
import type { CmdParms, DirectiveDef, ModuleDef } from '../config/module';
import { parseArgLine } from './argline';
import { defaultCondFlags, defaultRuleFlags, setCondFlag, setRuleFlag, splitFlagField } from './flags';
import type { CondFlags, RuleFlags } from './flags';
import { translatePcre } from './pcre';
import { parseExpr } from './expr';
import type {
  CondKind,
  InternalMapFunction,
  RewriteCondEntry,
  RewriteDirConf,
  RewriteMapDef,
  RewriteOption,
  RewriteRuleEntry,
  RewriteServerConf,
} from './types';

function configError(p: CmdParms, text: string): SgError {
  return new SgError('SG_ERR_CONFIG_ARGUMENTS', { text }, { where: p.where });
}

function regexError(p: CmdParms, directive: string, pattern: string, reason: string): SgError {
  if (/no JavaScript equivalent|not supported/.test(reason)) {
    return new SgError(
      'SG_ERR_CONFIG_UNSUPPORTED',
      { name: directive, reason: `regular expression '${pattern}' is not supported by smoothgate: ${reason}` },
      { where: p.where },
    );
  }
  return new SgError(
    'SG_ERR_CONFIG_REGEX',
    { text: `${directive}: cannot compile regular expression '${pattern}'` },
    { where: p.where },
  );
}

export function createServerConfig(): RewriteServerConf {
  return {
    state: false,
    stateSet: false,
    options: new Set(),
    optionsSet: false,
    maps: new Map(),
    pendingConds: [],
    rules: [],
    server: null,
  };
}

export function createDirConfig(path: string | null): RewriteDirConf {
  return {
    state: false,
    stateSet: false,
    options: new Set(),
    optionsSet: false,
    pendingConds: [],
    rules: [],
    directory: path === null ? null : path.endsWith('/') ? path : path + '/',
    baseUrl: null,
    baseUrlSet: false,
  };
}

function inheritMode(
  child: ReadonlySet<RewriteOption>,
  parent: ReadonlySet<RewriteOption>,
): 'after' | 'before' | 'none' {
  // Inherit/InheritDown append the parent's list after the child's; the *Before forms put it first.
  if (child.has('Inherit') || (parent.has('InheritDown') && !child.has('IgnoreInherit'))) return 'after';
  if (child.has('InheritBefore') || (parent.has('InheritDownBefore') && !child.has('IgnoreInherit'))) return 'before';
  return 'none';
}

/** config_server_merge: base = main server, over = virtual host. */
export function mergeServerConfig(base: RewriteServerConf, over: RewriteServerConf): RewriteServerConf {
  const options = over.optionsSet ? over.options : base.options;
  const mode = inheritMode(options, base.options);
  let maps: ReadonlyMap<string, RewriteMapDef> = over.maps;
  let rules = over.rules;
  if (mode === 'after') {
    maps = new Map([...base.maps, ...over.maps]);
    rules = [...over.rules, ...base.rules];
  } else if (mode === 'before') {
    // apr_hash_overlay(base, over): on a name clash the *base* entry wins here.
    maps = new Map([...over.maps, ...base.maps]);
    rules = [...base.rules, ...over.rules];
  }
  return {
    state: over.stateSet ? over.state : base.state,
    stateSet: over.stateSet || base.stateSet,
    options,
    optionsSet: over.optionsSet || base.optionsSet,
    maps,
    pendingConds: [],
    rules,
    server: over.server,
  };
}

/** config_perdir_merge: parent = outer directory (or server default), child = inner. */
export function mergeDirConfig(base: RewriteDirConf, over: RewriteDirConf): RewriteDirConf {
  const options = over.optionsSet ? over.options : base.options;
  const mode = inheritMode(options, base.options);
  let rules = over.rules;
  if (mode === 'after') rules = [...over.rules, ...base.rules];
  else if (mode === 'before') rules = [...base.rules, ...over.rules];
  const mergeBase = options.has('MergeBase');
  return {
    state: over.stateSet ? over.state : base.state,
    stateSet: over.stateSet || base.stateSet,
    options,
    optionsSet: over.optionsSet || base.optionsSet,
    pendingConds: [],
    rules,
    directory: over.directory,
    baseUrl: mergeBase ? (over.baseUrlSet ? over.baseUrl : base.baseUrl) : over.baseUrl,
    baseUrlSet: mergeBase ? over.baseUrlSet || base.baseUrlSet : over.baseUrlSet,
  };
}

const OPTION_WORDS: ReadonlyMap<string, RewriteOption> = new Map(
  (
    [
      'Inherit',
      'InheritBefore',
      'InheritDown',
      'InheritDownBefore',
      'IgnoreInherit',
      'AllowNoSlash',
      'AllowAnyURI',
      'MergeBase',
      'IgnoreContextInfo',
      'LegacyPrefixDocRoot',
      'UnsafePrefixStat',
    ] as RewriteOption[]
  ).map((o) => [o.toLowerCase(), o]),
);

function rawText(args: string[], raw: string | undefined): string {
  return typeof raw === 'string' ? raw : args.join(' ');
}

/** Classifies a CondPattern (after '!') as cmd_rewritecond does; returns kind and operand. */
function classifyCondPattern(input: string, pat: string, flags: CondFlags): { kind: CondKind; operand: string } {
  if (input.toLowerCase() === 'expr') return { kind: 'expr', operand: pat };
  if (pat.length >= 2) {
    if (pat[0] === '-') {
      if (pat.length === 2) {
        const tests: Record<string, CondKind> = {
          f: 'fileExists', s: 'fileSize', d: 'fileDir', x: 'fileXbit', h: 'fileLink', L: 'fileLink', l: 'fileLink',
          U: 'lookupUrl', F: 'lookupFile',
        };
        const kind = tests[pat[1]!];
        if (kind) return { kind, operand: pat };
      } else if (pat.length >= 4) {
        const op = pat.slice(1, 3);
        const ints: Record<string, CondKind> = { lt: 'intLt', le: 'intLe', gt: 'intGt', ge: 'intGe', eq: 'intEq' };
        if (ints[op]) return { kind: ints[op]!, operand: pat.slice(3) };
        if (op === 'ne') {
          // !-ne is -eq: Apache flips the negation.
          flags.notMatch = !flags.notMatch;
          return { kind: 'intEq', operand: pat.slice(3) };
        }
      }
    } else if (pat[0] === '>') {
      return pat[1] === '=' ? { kind: 'strGe', operand: pat.slice(2) } : { kind: 'strGt', operand: pat.slice(1) };
    } else if (pat[0] === '<') {
      return pat[1] === '=' ? { kind: 'strLe', operand: pat.slice(2) } : { kind: 'strLt', operand: pat.slice(1) };
    } else if (pat[0] === '=') {
      const rest = pat.slice(1);
      return { kind: 'strEq', operand: rest === '""' ? '' : rest };
    }
  }
  return { kind: 'regex', operand: pat };
}

function rewriteCond(p: CmdParms, dir: RewriteDirConf, server: RewriteServerConf, text: string): void {
  const args = parseArgLine(text);
  if (!args) throw configError(p, `RewriteCond: bad argument line '${text}'`);
  const flags = defaultCondFlags();
  if (args.a3 !== null) {
    const split = splitFlagField(args.a3);
    if ('error' in split) throw configError(p, `RewriteCond: ${split.error}`);
    for (const [k, v] of split.entries) {
      const err = setCondFlag(flags, k, v);
      if (err) throw configError(p, `RewriteCond: ${err}`);
    }
  }
  let pat = args.a2;
  if (pat.startsWith('!')) {
    flags.notMatch = true;
    pat = pat.slice(1);
  }
  const { kind, operand } = classifyCondPattern(args.a1, pat, flags);
  const isString = kind === 'strLt' || kind === 'strLe' || kind === 'strEq' || kind === 'strGt' || kind === 'strGe';
  if (kind !== 'regex' && !isString && flags.noCase) {
    p.warn(`AH00665: RewriteCond: NoCase option for non-regex pattern '${operand}' is not supported and will be ignored. (${p.where.file}:${p.where.line})`);
    flags.noCase = false;
  }
  let regex = null;
  let expr = null;
  if (kind === 'regex') {
    const t = translatePcre(operand, flags.noCase);
    if (!t.ok) throw regexError(p, 'RewriteCond', operand, t.reason);
    regex = t.value;
  } else if (kind === 'expr') {
    const e = parseExpr(operand);
    if (!e.ok) {
      throw new SgError('SG_ERR_CONFIG_UNSUPPORTED', { name: 'RewriteCond', reason: `cannot compile expression "${operand}": ${e.reason}` }, { where: p.where });
    }
    expr = e.node;
  }
  const entry: RewriteCondEntry = { input: args.a1, patternText: args.a2, operand, kind, regex, expr, flags, where: p.where };
  (p.path === null ? server.pendingConds : dir.pendingConds).push(entry);
}

function rewriteRule(p: CmdParms, dir: RewriteDirConf, server: RewriteServerConf, text: string): void {
  const args = parseArgLine(text);
  if (!args) throw configError(p, `RewriteRule: bad argument line '${text}'`);
  const flags: RuleFlags = defaultRuleFlags();
  if (args.a3 !== null) {
    const split = splitFlagField(args.a3);
    if ('error' in split) throw configError(p, `RewriteRule: ${split.error}`);
    for (const [k, v] of split.entries) {
      const err = setRuleFlag(flags, k, v);
      if (err) throw configError(p, `RewriteRule: ${err}`);
    }
  }
  let pattern = args.a1;
  if (pattern.startsWith('!')) {
    flags.notMatch = true;
    pattern = pattern.slice(1);
  }
  const t = translatePcre(pattern, flags.noCase);
  if (!t.ok) throw regexError(p, 'RewriteRule', pattern, t.reason);
  let output = args.a2;
  if (output === '-') flags.noSub = true;
  if (output.endsWith('?')) {
    if (flags.qsAppend) {
      // With QSA the trailing '?' is handled by splitting at the last '?'.
      flags.qsLast = true;
    } else {
      // A trailing '?' means "no query string"; it has done its job and is removed.
      flags.qsNone = true;
      output = output.slice(0, -1);
    }
  } else if (flags.qsDiscard && !output.includes('?')) {
    flags.qsNone = true;
  }
  const owner = p.path === null ? server : dir;
  const rule: RewriteRuleEntry = { pattern, regex: t.value, output, flags, conds: owner.pendingConds, where: p.where };
  owner.pendingConds = [];
  owner.rules = [...owner.rules, rule];
}

const INTERNAL_MAPS: ReadonlySet<string> = new Set(['toupper', 'tolower', 'escape', 'unescape']);

function rewriteMap(p: CmdParms, server: RewriteServerConf, name: string, source: string): void {
  const lower = source.toLowerCase();
  const rootRelative = (file: string): string => (isAbsolute(file) ? file : `${p.serverRoot.replace(/\/$/, '')}/${file}`);
  let def: RewriteMapDef;
  if (lower.startsWith('txt:') || lower.startsWith('rnd:')) {
    def = { kind: lower.startsWith('txt:') ? 'txt' : 'rnd', name, file: rootRelative(source.slice(4)), cache: { mtimeMs: -1, entries: null } };
  } else if (lower.startsWith('int:')) {
    const fn = source.slice(4);
    if (!INTERNAL_MAPS.has(fn)) throw configError(p, `RewriteMap: internal map not found:${fn}`);
    def = { kind: 'int', name, func: fn as InternalMapFunction };
  } else if (lower.startsWith('dbm') || lower.startsWith('prg:') || lower.startsWith('dbd:') || lower.startsWith('fastdbd:')) {
    const type = lower.slice(0, lower.search(/[:=]/) < 0 ? lower.length : lower.search(/[:=]/));
    throw new SgError(
      'SG_ERR_CONFIG_UNSUPPORTED',
      { name: 'RewriteMap', reason: `map type '${type}' (map ${name}) is not supported by smoothgate (${p.where.file}:${p.where.line})` },
      { where: p.where },
    );
  } else {
    // No known prefix: Apache reads it as a txt map file.
    def = { kind: 'txt', name, file: rootRelative(source), cache: { mtimeMs: -1, entries: null } };
  }
  if (def.kind !== 'int') {
    // cmd_rewritemap stat()s the file at load (the one file-system access of this module, at
    // configuration time, as the loader's other file reads).
    let exists = false;
    try {
      statSync(def.file);
      exists = true;
    } catch {
      exists = false;
    }
    if (!exists) throw configError(p, `RewriteMap: file for map ${name} not found:${def.file}`);
  }
  server.maps = new Map([...server.maps, [name, def]]);
}

const FILEINFO = { server: true, sections: true, override: 'FileInfo' } as const;

const directives: DirectiveDef<RewriteServerConf, RewriteDirConf>[] = [
  {
    name: 'RewriteEngine',
    contexts: FILEINFO,
    syntax: 'flag',
    help: 'On or Off to enable or disable (default) the whole rewriting engine',
    apply(p, dir, server, args) {
      const on = (args[0] ?? '').toLowerCase() === 'on';
      // At server level Apache sets both the server record and its default directory record.
      if (p.path === null) {
        server.state = on;
        server.stateSet = true;
      }
      dir.state = on;
      dir.stateSet = true;
    },
  },
  {
    name: 'RewriteOptions',
    contexts: FILEINFO,
    syntax: 'iterate',
    help: 'List of option strings to set',
    apply(p, dir, server, args) {
      const word = args[0] ?? '';
      const add: RewriteOption[] = [];
      if (/^MaxRedirects=/i.test(word)) {
        p.warn('AH00664: RewriteOptions: MaxRedirects option has been removed in favor of the global LimitInternalRecursion directive and will be ignored.');
      } else {
        const opt = OPTION_WORDS.get(word.toLowerCase());
        if (!opt) throw configError(p, `RewriteOptions: unknown option '${word}'`);
        add.push(opt);
      }
      if (p.path === null) {
        server.options = new Set([...server.options, ...add]);
        server.optionsSet = true;
      }
      dir.options = new Set([...dir.options, ...add]);
      dir.optionsSet = true;
    },
  },
  {
    name: 'RewriteBase',
    contexts: FILEINFO,
    syntax: 'take1',
    help: 'the base URL of the per-directory context',
    apply(p, dir, _server, args) {
      const url = args[0] ?? '';
      if (p.path === null) throw configError(p, 'RewriteBase: only valid in per-directory config files');
      if (url === '') throw configError(p, 'RewriteBase: empty URL not allowed');
      if (!url.startsWith('/')) throw configError(p, 'RewriteBase: argument is not a valid URL');
      dir.baseUrl = url;
      dir.baseUrlSet = true;
    },
  },
  {
    name: 'RewriteCond',
    contexts: FILEINFO,
    syntax: 'raw',
    help: 'an input string and a to be applied regexp-pattern',
    apply(p, dir, server, args, raw) {
      rewriteCond(p, dir, server, rawText(args, raw));
    },
  },
  {
    name: 'RewriteRule',
    contexts: FILEINFO,
    syntax: 'raw',
    help: 'an URL-applied regexp-pattern and a substitution URL',
    apply(p, dir, server, args, raw) {
      rewriteRule(p, dir, server, rawText(args, raw));
    },
  },
  {
    name: 'RewriteMap',
    contexts: { server: true, sections: false },
    syntax: 'take23',
    help: 'a mapname and a filename and options',
    apply(p, _dir, server, args) {
      rewriteMap(p, server, args[0] ?? '', args[1] ?? '');
    },
  },
];

export const rewriteModule: ModuleDef<RewriteServerConf, RewriteDirConf> = {
  id: 'rewrite_module',
  sourceName: 'mod_rewrite.c',
  createServerConfig,
  mergeServerConfig,
  createDirConfig,
  mergeDirConfig,
  directives,
};
