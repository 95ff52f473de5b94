/**
 * Compiled mod_rewrite configuration records (mod_rewrite.c `rewritecond_entry`,
 * `rewriterule_entry`, `rewritemap_entry`, `rewrite_server_conf`, `rewrite_perdir_conf`).
 * Built once at load; request-time code only reads them.
 */
import type { SourceLocation } from '../errors';
import type { ServerConf } from '../config/module';
import type { CondFlags, RuleFlags } from './flags';
import type { CompiledRegex } from './pcre';
import type { ExprNode } from './expr';

export type CondKind =
  | 'regex'
  | 'fileExists' // -f
  | 'fileSize' // -s
  | 'fileLink' // -l -L -h
  | 'fileDir' // -d
  | 'fileXbit' // -x
  | 'lookupUrl' // -U
  | 'lookupFile' // -F
  | 'strLt'
  | 'strLe'
  | 'strEq'
  | 'strGt'
  | 'strGe'
  | 'intLt'
  | 'intLe'
  | 'intEq'
  | 'intGt'
  | 'intGe'
  | 'expr';

export interface RewriteCondEntry {
  /** TestString (expanded per request). */
  readonly input: string;
  /** CondPattern as written (with '!' and operator), for traces and lint. */
  readonly patternText: string;
  /** The operand after the operator (string/int tests), or the regex source. */
  readonly operand: string;
  readonly kind: CondKind;
  readonly regex: CompiledRegex | null;
  readonly expr: ExprNode | null;
  readonly flags: Readonly<CondFlags>;
  readonly where: SourceLocation;
}

export interface RewriteRuleEntry {
  /** Pattern as written (without a leading '!'). */
  readonly pattern: string;
  readonly regex: CompiledRegex;
  /** Substitution (a trailing '?' already removed when it only meant "drop the query"). */
  readonly output: string;
  readonly flags: Readonly<RuleFlags>;
  readonly conds: readonly RewriteCondEntry[];
  readonly where: SourceLocation;
}

export type InternalMapFunction = 'toupper' | 'tolower' | 'escape' | 'unescape';

export type RewriteMapDef =
  | { readonly kind: 'txt' | 'rnd'; readonly name: string; readonly file: string; readonly cache: TxtMapCache }
  | { readonly kind: 'int'; readonly name: string; readonly func: InternalMapFunction };

/** Parsed txt:/rnd: file, keyed by its mtime (Apache re-reads a map file whose mtime changed). */
export interface TxtMapCache {
  mtimeMs: number;
  entries: Map<string, string> | null;
}

export type RewriteOption =
  | 'Inherit'
  | 'InheritBefore'
  | 'InheritDown'
  | 'InheritDownBefore'
  | 'IgnoreInherit'
  | 'AllowNoSlash'
  | 'AllowAnyURI'
  | 'MergeBase'
  | 'IgnoreContextInfo'
  | 'LegacyPrefixDocRoot'
  | 'UnsafePrefixStat';

export interface RewriteServerConf {
  state: boolean;
  stateSet: boolean;
  options: ReadonlySet<RewriteOption>;
  optionsSet: boolean;
  maps: ReadonlyMap<string, RewriteMapDef>;
  /** Conditions waiting for the next RewriteRule (config time only). */
  pendingConds: RewriteCondEntry[];
  rules: readonly RewriteRuleEntry[];
  server: ServerConf | null;
}

export interface RewriteDirConf {
  state: boolean;
  stateSet: boolean;
  options: ReadonlySet<RewriteOption>;
  optionsSet: boolean;
  pendingConds: RewriteCondEntry[];
  rules: readonly RewriteRuleEntry[];
  /** dconf->directory: the per-dir prefix with a trailing '/', null for the server default record. */
  directory: string | null;
  baseUrl: string | null;
  baseUrlSet: boolean;
}
