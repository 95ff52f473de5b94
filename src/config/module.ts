/**
 * The module framework: smoothgate's configuration is built the way Apache builds its own.
 *
 * Each emulated Apache module (core, mime, alias, dir, rewrite, headers, env, setenvif, authz_core,
 * proxy, expires, …) is a `ModuleDef`: a directive table (name, where it may appear, arity, handler)
 * and per-server / per-directory configuration records with create and merge functions, like
 * Apache's `module` struct with its `command_rec` table (httpd `include/http_config.h`,
 * `modules/mappers/mod_rewrite.c` `command_table`). The loader reads the files into a tree, walks it
 * and invokes each directive's `apply` with the configuration record of the context it stands in.
 * The routing core merges per-directory records exactly as `ap_merge_per_dir_configs` does.
 */
import type { SourceLocation } from '../errors';

/** The AllowOverride classes that admit a directive into .htaccess (Apache's OR_* bits). */
export type OverrideClass = 'AuthConfig' | 'FileInfo' | 'Indexes' | 'Limit' | 'Options';

/**
 * Where a directive may stand (Apache's `req_override` of the command_rec):
 * - `server`: server config and <VirtualHost> (RSRC_CONF)
 * - `sections`: <Directory>, <Location>, <Files> and their Match forms (ACCESS_CONF)
 * - `override`: allowed in .htaccess when AllowOverride grants this class (OR_*); such directives
 *   are also allowed in the server config and in every section, as in Apache; 'All' = OR_ALL.
 */
export interface DirectiveContexts {
  readonly server: boolean;
  readonly sections: boolean;
  readonly override?: OverrideClass | 'All';
  /** A second class that also admits the directive (<Limit> is OR_LIMIT | OR_AUTHCFG in core.c). */
  readonly alsoOverride?: OverrideClass;
}

/** How the argument text is split (Apache's cmd_how). */
export type DirectiveSyntax =
  | 'raw' // RAW_ARGS: the directive parses its own argument text
  | 'noArgs'
  | 'take1'
  | 'take2'
  | 'take12'
  | 'take3'
  | 'take23'
  | 'take123'
  | 'take13'
  | 'iterate' // one or more words, apply called once per word
  | 'iterate2' // first word, then apply once per further word
  | 'flag' // On|Off → 'on' | 'off'
  | 'takeArgv'; // any number of words, apply called once with all

/** The kind of section a directive stands in while the tree is processed. */
export type ContextKind =
  | 'server' // main server, top level
  | 'vhost' // top level of a <VirtualHost>
  | 'directory' // <Directory>, <DirectoryMatch>
  | 'files' // <Files>, <FilesMatch> (possibly nested in a directory or .htaccess)
  | 'location' // <Location>, <LocationMatch>
  | 'if' // <If>/<ElseIf>/<Else>
  | 'limit' // <Limit>/<LimitExcept>
  | 'htaccess'; // top level of a .htaccess file

/** What the loader hands to every directive handler (Apache's cmd_parms). */
export interface CmdParms {
  readonly where: SourceLocation;
  readonly directiveName: string;
  readonly context: ContextKind;
  /** Innermost enclosing section kind chain, outermost first (e.g. ['vhost', 'directory']). */
  readonly sectionChain: readonly ContextKind[];
  /**
   * The path of the innermost <Directory>/<Location>/<Files> section (a directory path ends in
   * '/'), the directory of an .htaccess file (with trailing '/'), or null at server/vhost level.
   */
  readonly path: string | null;
  /** True when `path` came from a regex section (<DirectoryMatch>, <LocationMatch>, …). */
  readonly pathIsRegex: boolean;
  /** The ServerRoot in force, for ap_server_root_relative. */
  readonly serverRoot: string;
  /** The server (main or vhost) this directive belongs to. */
  readonly server: ServerConf;
  /** For .htaccess only: what AllowOverride permits at this directory. */
  readonly override: OverrideSet | null;
  /** Module ids loaded (LoadModule + compiled-in), for directives that care. */
  readonly loadedModules: ReadonlySet<string>;
  /** Collects non-fatal warnings (undefined ${VAR}, obsolete options …) for `check`. */
  warn(message: string): void;
  // The members below were added by the config reader; optional so that hand-built CmdParms in
  // tests stay valid. The loader always provides them.
  /** Enclosing section names as Apache spells them ('<Directory', '<FilesMatch' …), outermost first. */
  readonly sectionNames?: readonly string[];
  /** True inside an .htaccess file (also inside a <Files> nested in it). */
  readonly inHtaccess?: boolean;
  /** Methods of the enclosing <Limit> (or, negated, <LimitExcept>), null outside one. */
  readonly limit?: LimitScope | null;
  /** Records a directive we accept but do not (fully) emulate, for `check`'s migration report. */
  note?(kind: ConfigNoteKind, reason: string): void;
  /**
   * Marks the current scope fail-closed (INTERFACE.md §9: access control we cannot evaluate):
   * sets core's `failClosed` for this scope and records a note for `check`.
   */
  failClosed?(reason: string): void;
  /** Marks the current scope as needing the backend (core's `backendOnly`) and records a note. */
  backendOnly?(reason: string): void;
  /** The environment the configuration was loaded with (PassEnv). */
  getEnv?(name: string): string | undefined;
  /** File-system facts a handler needs (DocumentRoot must exist, TypesConfig is read). */
  statKind?(path: string): 'file' | 'directory' | 'other' | 'missing';
  /** Reads a file named by a directive (TypesConfig); throws on failure. */
  readTextFile?(path: string): string;
  /** A directive of a loaded module by name (case-insensitive), for AllowOverrideList. */
  lookupDirective?(name: string): DirectiveDef | undefined;
}

/** <Limit GET POST> → {methods: ['GET','POST'], except: false}; <LimitExcept …> → except: true. */
export interface LimitScope {
  readonly methods: readonly string[];
  readonly except: boolean;
  /** The enclosing <Limit>/<LimitExcept> (they nest by intersection, core.c ap_limit_section). */
  readonly parent?: LimitScope | null;
}

/** What `check` lists besides errors. */
export type ConfigNoteKind =
  | 'ignored' // accepted, has no effect in smoothgate (process tuning, TLS, presentation …)
  | 'failClosed' // access control we cannot evaluate: requests in scope answer 500
  | 'backendOnly' // scope needs the backend (other handlers, body filters)
  | 'unsupported'; // recorded but not emulated (e.g. <If> without access control)

export interface ConfigNote {
  readonly kind: ConfigNoteKind;
  readonly directive: string;
  readonly reason: string;
  readonly where: SourceLocation;
  /** The section path the directive stands in (null at server/vhost level). */
  readonly scope: string | null;
}

/** What AllowOverride / AllowOverrideList grant at a directory level. */
export interface OverrideSet {
  readonly classes: ReadonlySet<OverrideClass>;
  /** AllowOverride Options=Opt,… restricts which options .htaccess may set (null = all). */
  readonly allowedOptions: ReadonlySet<string> | null;
  /** AllowOverrideList names (lower case). */
  readonly directiveList: ReadonlySet<string>;
  readonly nonfatalOverride: boolean;
  readonly nonfatalUnknown: boolean;
}

export interface DirectiveDef<S = any, D = any> {
  /** Canonical spelling; lookup is case-insensitive. */
  readonly name: string;
  readonly contexts: DirectiveContexts;
  readonly syntax: DirectiveSyntax;
  /** Apache's help text, used in arity errors: "<name> takes one argument, <help>". */
  readonly help: string;
  /**
   * Apache's ap_check_cmd_context flags the handler applies (NOT_IN_* bits of
   * ./context-flags.ts), checked by the loader before `apply`.
   */
  readonly notIn?: number;
  /**
   * Executed while the files are read (Apache's EXEC_ON_READ: Include, Define, <IfModule> …);
   * the reader in ./parser.ts implements these, `apply` is never called.
   */
  readonly execOnRead?: boolean;
  /** A container (<Directory>, <RequireAll> …) that the tree walker in ./walker.ts processes. */
  readonly section?: boolean;
  /**
   * Apply the directive. `dir` is this module's per-directory record of the context the directive
   * stands in (the server's default per-dir record at server/vhost level); `server` is this
   * module's server record. `args` is the raw text for 'raw', otherwise the split words
   * (one word for 'iterate', [first, word] for 'iterate2').
   * Throw `SgError` (SG_ERR_CONFIG_*) with Apache's message to reject the configuration.
   */
  apply(p: CmdParms, dir: D, server: S, args: string[], raw: string): void;
}

export interface ModuleDef<S = any, D = any> {
  /** Identifier as given to LoadModule, e.g. 'rewrite_module'. */
  readonly id: string;
  /** Source file name used by <IfModule mod_rewrite.c>. */
  readonly sourceName: string;
  createServerConfig?(): S;
  mergeServerConfig?(base: S, vhost: S): S;
  /** `path` is the section's directory (with trailing '/') or null for the server default. */
  createDirConfig?(path: string | null): D;
  mergeDirConfig?(parent: D, child: D): D;
  readonly directives: readonly DirectiveDef<S, D>[];
}

/** Per-directory configuration: one record per module id that has one. */
export type DirConfigVector = Readonly<Record<string, unknown>>;

/** A <Directory>, <Files>, <Location> (or Match) or <If> section, compiled. */
export interface SectionConf {
  readonly kind: 'directory' | 'files' | 'location' | 'if' | 'proxy';
  /** Path or pattern text as written (a non-regex directory path is canonical and ends in '/'). */
  readonly path: string;
  /** Compiled pattern for the regex forms and the `~` forms. */
  readonly regex: RegExp | null;
  /** Number of '/' used by Apache's section sorter (ap_count_dirs of the path/pattern). */
  readonly components: number;
  readonly config: DirConfigVector;
  readonly where: SourceLocation;
  /** For kind 'if': which of <If>/<ElseIf>/<Else> (core.c condition_ifelse). */
  readonly ifKind?: 'if' | 'elseif' | 'else';
  /** For kind 'if': the condition (ap_getword_conf of the argument) is in the evaluated ap_expr subset. */
  readonly decidable?: boolean;
}

/** The main server or one <VirtualHost>. */
export interface ServerConf {
  readonly isVirtual: boolean;
  /** <VirtualHost addr:port …> addresses as written ('*:80', '127.0.0.1:8080'); empty for main. */
  readonly addresses: string[];
  serverName: string | null;
  serverAliases: string[];
  readonly where: SourceLocation | null;
  /** Per-module server records (mergeServerConfig applied for vhosts after load). */
  readonly moduleConfig: Record<string, unknown>;
  /** The per-dir records set at server/vhost top level (Apache's lookup_defaults). */
  lookupDefaults: Record<string, unknown>;
  /** Sections in config order; vhost sections follow the main server's after merge. */
  readonly directorySections: SectionConf[]; // <Directory> and <DirectoryMatch>
  readonly filesSections: SectionConf[]; // top-level <Files>/<FilesMatch>
  readonly locationSections: SectionConf[]; // <Location>/<LocationMatch>
  readonly ifSections: SectionConf[];
  /** <Proxy>/<ProxyMatch> in config order (mod_proxy's sec_proxy; a vhost's follow the main server's). */
  readonly proxySections?: SectionConf[];
}

/** The whole loaded configuration. */
export interface LoadedConfig {
  readonly serverRoot: string;
  readonly mainServer: ServerConf;
  /** Virtual hosts in config order, already merged with the main server. */
  readonly virtualHosts: ServerConf[];
  readonly loadedModules: ReadonlySet<string>;
  readonly defines: ReadonlyMap<string, string>;
  /** Every file read (for reload and `check`). */
  readonly files: string[];
  /** Warnings collected while loading (file:line: text). */
  readonly warnings: string[];
  /** `Listen` directives as written. */
  readonly listen: string[];
  /** Directives accepted but not (fully) emulated, for `check` (added by the config reader). */
  readonly notes?: ConfigNote[];
  /** The environment `${VAR}` and PassEnv saw (envvars over the process environment); .htaccess uses it too. */
  readonly environment?: Readonly<Record<string, string | undefined>>;
}
