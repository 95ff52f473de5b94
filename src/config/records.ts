/**
 * The configuration records of the emulated modules, as the routing core reads them. Each mirrors
 * the Apache struct named beside it; directive handlers in src/config/modules fill them and each
 * module's merge function combines them (parent, child) as Apache's merge_*_dir_configs does.
 * Fields use `undefined` for "not set here" wherever Apache's merge distinguishes unset from set.
 */
import type { SourceLocation } from '../errors';
import type { LimitScope, SectionConf } from './module';

// ---- core (server/core.c core_dir_config, core_server_config) --------------------------------

/** Options bits (core.c OPT_*). */
export type OptionName =
  | 'Indexes'
  | 'Includes'
  | 'IncludesNOEXEC'
  | 'FollowSymLinks'
  | 'SymLinksIfOwnerMatch'
  | 'ExecCGI'
  | 'MultiViews';

export interface CoreDirConf {
  /** Effective options after merge; undefined at a level that did not set Options. */
  options: ReadonlySet<OptionName> | undefined;
  /** For a relative (+/-) Options line: what it adds and removes (core.c opts_add/opts_remove). */
  optionsAdd: ReadonlySet<OptionName>;
  optionsRemove: ReadonlySet<OptionName>;
  /** AllowOverride classes in force (undefined: inherit; default None). */
  allowOverride: ReadonlySet<'AuthConfig' | 'FileInfo' | 'Indexes' | 'Limit' | 'Options'> | undefined;
  allowOverrideOptions: ReadonlySet<OptionName> | null | undefined;
  allowOverrideList: ReadonlySet<string> | undefined;
  allowOverrideNonfatal: { override: boolean; unknown: boolean } | undefined;
  acceptPathInfo: 'default' | 'on' | 'off' | undefined;
  /** SetHandler value ('none' cancels an inherited one). */
  handler: string | undefined;
  /** ForceType value ('none' cancels). */
  forceType: string | undefined;
  /** <Files>/<FilesMatch> nested in this <Directory> or .htaccess, in order. */
  filesSections: SectionConf[];
  /**
   * ErrorDocument status → the response as core.c stores it (a message with a leading `"`, else a
   * local or full URL; each a string expression), or null for `ErrorDocument CODE default`.
   */
  errorDocuments: ReadonlyMap<number, string | null>;
  /** AddDefaultCharset (undefined: inherit; 'off'). */
  addDefaultCharset: string | undefined;
  /**
   * Directives in this scope we cannot evaluate and must fail closed on (INTERFACE.md §9): every
   * request in scope is answered 500 with this reason.
   */
  failClosed: string | undefined;
  /** Scope needs the backend (other handlers' filters, Substitute …); reason for `check`. */
  backendOnly: string | undefined;
  // --- added by the config reader (optional so that hand-built records stay valid) -------------
  /** True when this level's Options line was absolute (core.c: opts without OPT_UNSET). */
  optionsExplicit?: boolean;
  /** Apache's OPT_* bits behind `options`/`optionsAdd`/`optionsRemove` (modules/core-options.ts). */
  optionBits?: number | undefined;
  optionAddBits?: number;
  optionRemoveBits?: number;
  /** AllowOverride Options=… as bits (undefined: inherit; default all options). */
  allowOverrideOptionBits?: number | undefined;
  /** SetOutputFilter / SetInputFilter value (core, OR_FILEINFO), e.g. 'DEFLATE'. */
  outputFilters?: string | undefined;
  inputFilters?: string | undefined;
  /** <If>/<ElseIf>/<Else> nested in this scope, in order (core's sec_if; kind 'if'). */
  ifSections?: SectionConf[];
  /** LimitRequestBody in bytes (0 = unlimited; undefined: inherit). */
  limitRequestBody?: number | undefined;
  // ServerSignature, FileETag … are not modelled.
}

export interface CoreServerConf {
  documentRoot: string | undefined;
  /** AccessFileName list (default ['.htaccess']). */
  accessFileNames: string[] | undefined;
  /** LimitInternalRecursion (default 10, 10). */
  limitInternalRecursion: { redirects: number; subrequests: number } | undefined;
  mergeSlashes: boolean | undefined;
  allowEncodedSlashes: 'off' | 'on' | 'nodecode' | undefined;
  useCanonicalName: 'on' | 'off' | 'dns' | undefined;
  limitRequestLine: number | undefined;
  limitRequestFieldSize: number | undefined;
  limitRequestFields: number | undefined;
  serverAdmin: string | undefined;
  /** HttpProtocolOptions: Strict/Unsafe, RegisteredMethods/LenientMethods, Allow0.9/Require1.0. */
  protocolStrict: boolean | undefined;
  allowHttp09: boolean | undefined;
  // --- added by the config reader -------------------------------------------------------------
  /** HttpProtocolOptions RegisteredMethods (true) / LenientMethods (false, default). */
  registeredMethodsOnly?: boolean | undefined;
  /** ServerName's port when given ('www.example.com:8080' → 8080). */
  serverNamePort?: number | undefined;
  /** ServerName's scheme when given ('https://www.example.com'). */
  serverNameScheme?: string | undefined;
}

// ---- mod_mime (modules/http/mod_mime.c mime_dir_config) ---------------------------------------

export interface ExtensionInfo {
  forcedType?: string; // AddType
  handler?: string; // AddHandler
  encoding?: string; // AddEncoding
  charset?: string; // AddCharset
  language?: string; // AddLanguage
  outputFilters?: string; // AddOutputFilter
}

export interface MimeDirConf {
  /** Extension (lower case, no dot) → what it maps; merged per field, child wins. */
  extensions: ReadonlyMap<string, Readonly<ExtensionInfo>>;
  /** RemoveType / RemoveHandler / RemoveEncoding … queued for the merge (lower-case extensions). */
  removeTypes: ReadonlySet<string>;
  removeHandlers: ReadonlySet<string>;
  removeEncodings: ReadonlySet<string>;
  removeCharsets: ReadonlySet<string>;
  removeLanguages: ReadonlySet<string>;
  removeOutputFilters: ReadonlySet<string>;
  defaultLanguage: string | undefined;
  useMimePathInfo: boolean | undefined;
}

export interface MimeServerConf {
  /** TypesConfig file contents: extension (lower case) → type. */
  types: ReadonlyMap<string, string>;
  typesConfigPath: string | undefined;
}

// ---- mod_alias (modules/mappers/mod_alias.c) -------------------------------------------------

export interface AliasEntry {
  readonly kind: 'alias' | 'scriptAlias';
  /** URL-path prefix (Alias) or null with `regex` (AliasMatch). */
  readonly fake: string;
  readonly regex: RegExp | null;
  /** Target path (ap_server_root_relative applied); may contain $N for the Match form. */
  readonly real: string;
  readonly where: SourceLocation;
}

export interface RedirectEntry {
  readonly fake: string;
  readonly regex: RegExp | null;
  /** Target URL or path (null for gone / non-3xx statuses). */
  readonly target: string | null;
  readonly status: number;
  readonly where: SourceLocation;
}

export interface AliasServerConf {
  aliases: AliasEntry[];
  redirects: RedirectEntry[];
}

export interface AliasDirConf {
  /** Redirect* in <Directory>/.htaccess (run in fixups). */
  redirects: RedirectEntry[];
  /** RedirectRelative (undefined: inherit, default off). */
  redirectRelative: boolean | undefined;
  /** One-argument Alias/Redirect inside <Location> (ap_expr target) — recorded, unsupported. */
  locationAlias: string | undefined;
  /** Added: the one-argument `Redirect [status] target` form in a section (ap_expr target, null for gone/4xx). */
  locationRedirect?: { readonly target: string | null; readonly status: number } | undefined;
}

// ---- mod_dir (modules/mappers/mod_dir.c) -----------------------------------------------------

export interface DirDirConf {
  /** DirectoryIndex list; undefined: inherit (default ['index.html']); [] = disabled. */
  index: string[] | undefined;
  directorySlash: boolean | undefined;
  /** FallbackResource URL; 'disabled' cancels. */
  fallbackResource: string | undefined;
  checkHandler: boolean | undefined;
}

// ---- mod_headers (modules/metadata/mod_headers.c) --------------------------------------------

export type HeaderAction =
  | 'set'
  | 'setifempty'
  | 'append'
  | 'merge'
  | 'add'
  | 'unset'
  | 'echo'
  | 'edit'
  | 'edit*'
  | 'note';

export interface HeaderDirective {
  readonly action: HeaderAction;
  /** Header name (for echo: a regex source). */
  readonly header: string;
  /** Value format string (mod_headers %-specifiers: %{VAR}e, %t, %D, %{NAME}s …); null for unset. */
  readonly value: string | null;
  /** For edit/edit*: the regex and replacement. */
  readonly editRegex: RegExp | null;
  readonly editReplacement: string | null;
  /** 'onsuccess' (default) or 'always'. */
  readonly condition: 'onsuccess' | 'always';
  /** env=[!]VAR condition, or an expr= we cannot evaluate (fail in check). */
  readonly envCondition: { name: string; negate: boolean } | null;
  /** 'early' headers (RequestHeader … early). */
  readonly early: boolean;
  /** Added: an `expr=` condition, not evaluated (the entry is reported and never applied). */
  readonly exprCondition?: string;
  readonly where: SourceLocation;
}

export interface HeadersDirConf {
  /** Header directives in merge order (parent's first, child's appended). */
  responseHeaders: HeaderDirective[];
  requestHeaders: HeaderDirective[];
}

// ---- mod_env, mod_setenvif -------------------------------------------------------------------

export interface EnvDirConf {
  /** SetEnv/UnsetEnv in order: value null = unset. PassEnv resolved at load. */
  vars: ReadonlyArray<readonly [name: string, value: string | null]>;
}

export interface SetEnvIfEntry {
  /** Attribute: a request header name, or Remote_Host, Remote_Addr, Server_Addr, Request_Method,
   *  Request_Protocol, Request_URI, or an env var name (when not a header), or a regex on header names. */
  readonly attribute: string;
  readonly attributeIsRegex: boolean;
  readonly regex: RegExp;
  /** Assignments: [name, value] (a bare name gets "1" as in mod_setenvif add_envvars), name prefixed '!' = unset. */
  readonly assignments: ReadonlyArray<readonly [string, string]>;
  readonly where: SourceLocation;
}

export interface SetEnvIfConf {
  entries: SetEnvIfEntry[];
}
// mod_setenvif keeps server-level entries (run at post_read_request) in its server record and
// section/.htaccess entries (run at header_parser) in its per-dir record; both are SetEnvIfConf.

// ---- mod_authz_core (the part issue 2 needs; issue 7 widens it) ------------------------------

export interface RequireLine {
  readonly negate: boolean;
  /** Provider: 'all', 'local', 'ip', 'host', 'env', 'method', 'expr', 'user', 'group', 'valid-user' … */
  readonly provider: string;
  readonly args: string[];
  readonly where: SourceLocation;
  /** Added: the enclosing <Limit>/<LimitExcept> (null: all methods). */
  readonly limit?: LimitScope | null;
  /** Added: the argument text as written (`Require expr` parses it whole, quotes stripped). */
  readonly raw?: string;
}

export type RequireBlock =
  | { readonly kind: 'line'; readonly line: RequireLine }
  | { readonly kind: 'any' | 'all' | 'none'; readonly negate: false; readonly children: RequireBlock[] };

export interface AuthzDirConf {
  /** The Require lines of this scope as an implicit <RequireAny> (undefined: inherit). */
  require: RequireBlock | undefined;
  /** AuthMerging Off|And|Or (default Off: child replaces). */
  merging: 'off' | 'and' | 'or' | undefined;
  /** Added: AuthzSendForbiddenOnFailure. */
  sendForbiddenOnFailure?: boolean | undefined;
}

// ---- added for issue 7: authn/authz/access_compat records (parsed here, evaluated there) -------

/** mod_authn_core: AuthType, AuthName. */
export interface AuthnCoreDirConf {
  /** 'Basic', 'Digest', 'None' … as written (undefined: inherit). */
  authType: string | undefined;
  authName: string | undefined;
}

/** mod_auth_basic: AuthBasicProvider (default ['file']), AuthBasicAuthoritative. */
export interface AuthBasicDirConf {
  providers: string[] | undefined;
  authoritative: boolean | undefined;
  /** Added: AuthBasicUseDigestAlgorithm (undefined: inherit; default off). */
  digestAlgorithm?: 'md5' | 'off';
}

/** mod_authn_file: AuthUserFile (ServerRoot-relative resolved). */
export interface AuthnFileDirConf {
  userFile: string | undefined;
}

/** mod_authz_groupfile: AuthGroupFile. */
export interface AuthzGroupfileDirConf {
  groupFile: string | undefined;
}

/** One Allow/Deny argument of mod_access_compat (modules/aaa/mod_access_compat.c allow_cmd). */
export interface AccessRule {
  readonly kind: 'all' | 'env' | 'envNot' | 'ip' | 'host';
  /** Address/CIDR, host suffix or env var name; '' for all. */
  readonly value: string;
  readonly limit: LimitScope | null;
  readonly where: SourceLocation;
}

/** mod_access_compat: no merge function in Apache, so a scope with any of these replaces. */
export interface AccessCompatDirConf {
  /** The last Order line (any scope); per-method values are in `orders`. */
  order: 'deny,allow' | 'allow,deny' | 'mutual-failure' | undefined;
  allows: AccessRule[];
  denies: AccessRule[];
  /** The last Satisfy line (any scope); per-method values are in `satisfies`. */
  satisfy: 'all' | 'any' | undefined;
  /**
   * Order and Satisfy set a value per method (the methods of the enclosing <Limit>, all outside
   * one): each line in order, the last one covering a method wins (mod_access_compat.c order, satisfy).
   */
  orders?: Array<{ readonly value: 'deny,allow' | 'allow,deny' | 'mutual-failure'; readonly limit: LimitScope | null }>;
  satisfies?: Array<{ readonly value: 'all' | 'any'; readonly limit: LimitScope | null }>;
}

/** mod_ssl's access part: SSLRequireSSL (undefined: inherit, default off). */
export interface SslDirConf {
  requireSsl: boolean | undefined;
}

// ---- mod_filter (AddOutputFilterByType lives here in 2.4) -----------------------------------

export interface FilterDirConf {
  /** Content type (lower case) → filter names in order. */
  byType: ReadonlyMap<string, readonly string[]>;
}

// ---- mod_proxy (the ProxyPass family) --------------------------------------------------------

export interface ProxyPassEntry {
  /** URL-path prefix, or '!' exclusion target. */
  readonly path: string;
  readonly regex: RegExp | null;
  /** Backend URL or '!' (do not proxy). */
  readonly url: string;
  readonly noCanon: boolean;
  readonly where: SourceLocation;
}

export interface ProxyServerConf {
  passes: ProxyPassEntry[];
  reverse: Array<{ readonly path: string; readonly url: string }>;
  preserveHost: boolean | undefined;
  proxyRequests: boolean | undefined;
}

/** mod_proxy's per-directory part we model (proxy_dir_conf): ProxyErrorOverride. */
export interface ProxyDirConf {
  /** On/Off (undefined: not set here; default Off). */
  errorOverride: boolean | undefined;
  /** The statuses to intercept, ascending; empty = every 4xx/5xx (ap_proxy_should_override). */
  errorOverrideCodes: readonly number[];
}

// ---- mod_expires, mod_deflate/filter, mod_log_config -----------------------------------------

export interface ExpiresDirConf {
  active: boolean | undefined;
  /** 'A<seconds>' or 'M<seconds>' codes (mod_expires' compiled form) by content type. */
  byType: ReadonlyMap<string, string>;
  default: string | undefined;
}

export interface DeflateDirConf {
  /** Content types listed by AddOutputFilterByType DEFLATE. */
  types: ReadonlySet<string>;
  /** SetOutputFilter DEFLATE in scope. */
  always: boolean | undefined;
}

export interface LogConfigServerConf {
  formats: ReadonlyMap<string, string>;
  /** CustomLog/TransferLog: path and format (name or string). */
  customLogs: Array<{ readonly path: string; readonly format: string; readonly where: SourceLocation }>;
}

/** Module ids of the records above (as given to LoadModule). */
export const MODULE_IDS = {
  core: 'core_module',
  mime: 'mime_module',
  alias: 'alias_module',
  dir: 'dir_module',
  rewrite: 'rewrite_module',
  headers: 'headers_module',
  env: 'env_module',
  setenvif: 'setenvif_module',
  authzCore: 'authz_core_module',
  proxy: 'proxy_module',
  expires: 'expires_module',
  deflate: 'deflate_module',
  logConfig: 'log_config_module',
  filter: 'filter_module',
  authnCore: 'authn_core_module',
  authBasic: 'auth_basic_module',
  authnFile: 'authn_file_module',
  authzGroupfile: 'authz_groupfile_module',
  accessCompat: 'access_compat_module',
  ssl: 'ssl_module',
} as const;
