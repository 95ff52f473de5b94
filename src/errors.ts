/**
 * The one error catalogue of smoothgate (STYLE.md §5, INTERFACE.md §1).
 *
 * Every error we raise is an `SgError` with a stable `SG_ERR_<AREA>_<WHAT>` code. The message is a
 * template filled from `details`; `httpStatus` is set where a request causes the error; `where`
 * carries file:line for configuration errors. Expected request outcomes (404, a redirect) are
 * `RouteDecision` values, not errors.
 *
 * Areas: CONFIG (httpd.conf / .htaccess / smoothgate.yaml), REWRITE, ROUTING, MP4, STREAM, PROXY,
 * CLI. Add a code here, once, with a message template; tests assert on `code`, never on text.
 */

export interface ErrorSpec {
  /** Message template; `{name}` is replaced by `details.name`. */
  readonly message: string;
  /** HTTP status when a request causes this error. */
  readonly httpStatus?: number;
}

export const ERROR_CATALOGUE = {
  // --- configuration (Apache files) -------------------------------------------------------------
  SG_ERR_CONFIG_SYNTAX: { message: '{text}' },
  SG_ERR_CONFIG_UNKNOWN_DIRECTIVE: {
    message:
      "Invalid command '{name}', perhaps misspelled or defined by a module not included in the server configuration",
  },
  SG_ERR_CONFIG_NOT_ALLOWED_HERE: { message: '{name} not allowed here' },
  SG_ERR_CONFIG_ARGUMENTS: { message: '{text}' },
  SG_ERR_CONFIG_SECTION: { message: '{text}' },
  SG_ERR_CONFIG_INCLUDE: { message: '{text}' },
  SG_ERR_CONFIG_FILE_UNREADABLE: { message: 'Could not open configuration file {file}: {reason}' },
  SG_ERR_CONFIG_INCLUDE_DEPTH: {
    message: 'Exceeded maximum include depth of 128, There appears to be a recursion.',
  },
  SG_ERR_CONFIG_UNSUPPORTED: { message: '{name}: {reason}' },
  SG_ERR_CONFIG_HTACCESS: { message: '{file}: {text}', httpStatus: 500 },
  SG_ERR_CONFIG_REGEX: { message: '{text}' },
  /** A directive handler refused its arguments (Apache's handler message, e.g. "Illegal option X"). */
  SG_ERR_CONFIG_DIRECTIVE: { message: '{text}' },
  /** Apache's context messages other than "not allowed here" ("… cannot occur within <X> section"). */
  SG_ERR_CONFIG_CONTEXT: { message: '{text}' },
  /** A Define/UnDefine/`${VAR}` problem ("Variable name must not contain ':'"). */
  SG_ERR_CONFIG_DEFINE: { message: '{text}' },
  /** LoadModule/ServerRoot and other read-time failures. */
  SG_ERR_CONFIG_READ: { message: '{text}' },
  // --- smoothgate.yaml --------------------------------------------------------------------------
  SG_ERR_YAML_SYNTAX: { message: '{file}: {text}' },
  SG_ERR_YAML_UNKNOWN_KEY: { message: '{file}:{line}: unknown key {key}' },
  SG_ERR_YAML_VALUE: { message: '{file}:{line}: {key}: {text}' },
  // --- mod_rewrite at request time --------------------------------------------------------------
  SG_ERR_REWRITE_MAX_ROUNDS: {
    message: 'RewriteRule {pattern} and URI {uri} exceeded the maximum number of rounds ({rounds}) via the [N] flag',
    httpStatus: 500,
  },
  SG_ERR_REWRITE_UNSAFE_3F: {
    message: 'Unsafe URL with %3f URL rewritten without UnsafeAllow3F',
    httpStatus: 403,
  },
  SG_ERR_REWRITE_UNSAFE_QUERY: {
    message: 'Rewritten query string contains control characters or spaces',
    httpStatus: 403,
  },
  SG_ERR_REWRITE_TOO_LONG: {
    message: 'RewriteRule {pattern} and URI {uri} exceeded maximum length ({limit})',
    httpStatus: 500,
  },
  SG_ERR_REWRITE_NO_PROXY: {
    message: 'attempt to make remote request from mod_rewrite without proxy enabled: {url}',
    httpStatus: 403,
  },
  SG_ERR_REWRITE_SYMLINKS: {
    message:
      'Options FollowSymLinks and SymLinksIfOwnerMatch are both off, so the RewriteRule directive is also forbidden due to its similar ability to circumvent directory restrictions: {filename}',
    httpStatus: 403,
  },
  SG_ERR_REWRITE_BAD_PATH: { message: 'rewritten local path {path} is not absolute', httpStatus: 400 },
  // --- routing (Apache's request phases) --------------------------------------------------------
  SG_ERR_ROUTING_BAD_REQUEST: { message: '{reason}', httpStatus: 400 },
  SG_ERR_ROUTING_URI_TOO_LONG: { message: 'request line exceeds {limit} bytes', httpStatus: 414 },
  SG_ERR_ROUTING_RECURSION: {
    message:
      'Request exceeded the limit of {limit} internal redirects due to probable configuration error. Use \'LimitInternalRecursion\' to increase the limit if necessary.',
    httpStatus: 500,
  },
  SG_ERR_ROUTING_FORBIDDEN: { message: '{reason}', httpStatus: 403 },
  SG_ERR_ROUTING_FAIL_CLOSED: { message: 'access control in scope cannot be evaluated: {reason}', httpStatus: 500 },
  // --- access control (src/access) ---------------------------------------------------------------
  /** 403 from mod_access_compat / mod_authz_core / SSLRequireSSL; the reason names the rule, never credentials. */
  SG_ERR_ACCESS_FORBIDDEN: { message: '{reason}', httpStatus: 403 },
  /** 401 with the Basic challenge. */
  SG_ERR_ACCESS_UNAUTHORIZED: { message: '{reason}', httpStatus: 401 },
  /** 500: an access configuration Apache itself answers 500 for, or one we cannot evaluate (fail closed). */
  SG_ERR_ACCESS_ERROR: { message: '{reason}', httpStatus: 500 },
  SG_ERR_ACCESS_TRUSTED_PROXY: { message: "trustedProxies: '{value}' is not an address or CIDR" },
  // --- MP4 core ---------------------------------------------------------------------------------
  SG_ERR_MP4_TRUNCATED: { message: '{box}: box extends past its container ({detail})', httpStatus: 415 },
  SG_ERR_MP4_MALFORMED: { message: '{box}: {detail}', httpStatus: 415 },
  SG_ERR_MP4_UNSAFE_INTEGER: { message: '{field}: 64-bit value {value} exceeds 2^53', httpStatus: 415 },
  SG_ERR_MP4_UNSUPPORTED: { message: '{detail}', httpStatus: 415 },
  SG_ERR_MP4_ENCRYPTED: { message: 'encrypted track ({scheme}) cannot be streamed', httpStatus: 415 },
  SG_ERR_MP4_IO: { message: 'reading {file}: {reason}', httpStatus: 500 },
  // --- streaming handlers -----------------------------------------------------------------------
  SG_ERR_STREAM_METHOD: { message: 'method {method} not allowed', httpStatus: 405 },
  SG_ERR_STREAM_BAD_PARAMETER: { message: 'malformed parameter {name}={value}', httpStatus: 400 },
  SG_ERR_STREAM_OUTSIDE_CLIP: { message: '{name}={value} outside the vbegin..vend clip', httpStatus: 403 },
  SG_ERR_STREAM_NOT_FOUND: { message: '{what} not found', httpStatus: 404 },
  SG_ERR_STREAM_NO_TRACK: { message: 'source has no {type} track', httpStatus: 415 },
  SG_ERR_STREAM_UNSUPPORTED: { message: '{what} is not served by this build', httpStatus: 501 },
  SG_ERR_STREAM_RANGE: { message: 'range not satisfiable', httpStatus: 416 },
  SG_ERR_STREAM_FORBIDDEN: { message: '{file}: file permissions deny server access', httpStatus: 403 },
  SG_ERR_STREAM_CODEC: { message: 'cannot describe {type} track for Smooth Streaming: {detail}', httpStatus: 415 },
  SG_ERR_STREAM_NO_FRAGMENT: { message: 'no {type} fragment contains time {timeHns}', httpStatus: 404 },
  SG_ERR_STREAM_SERVER_MANIFEST: { message: 'server manifest {file}: {detail}', httpStatus: 404 },
  SG_ERR_STREAM_UNALIGNED: { message: 'renditions do not share fragment boundaries: {detail}', httpStatus: 415 },
  // --- proxy ------------------------------------------------------------------------------------
  SG_ERR_PROXY_CONNECT: { message: 'backend {url} unreachable: {reason}', httpStatus: 502 },
  SG_ERR_PROXY_TIMEOUT: { message: 'backend {url} timed out: {reason}', httpStatus: 504 },
  SG_ERR_PROXY_PROTOCOL: { message: 'backend {url} answered badly: {reason}', httpStatus: 502 },
  SG_ERR_PROXY_RESET: { message: 'backend {url} closed the connection: {reason}', httpStatus: 502 },
  SG_ERR_PROXY_CLIENT_ABORTED: { message: 'client went away while proxying to {url}' },
  SG_ERR_PROXY_UPGRADE: { message: 'backend {url} refused the upgrade: {reason}', httpStatus: 502 },
  // --- the listener and its request pipeline (serve) --------------------------------------------
  SG_ERR_SERVER_LISTEN: { message: 'cannot listen on {address}: {reason}' },
  SG_ERR_SERVER_ACCESS_LOG: { message: 'cannot open the access log {path}: {reason}' },
  SG_ERR_SERVER_TLS: { message: 'cannot load the TLS certificate or key: {reason}' },
  SG_ERR_SERVER_TRUSTED_PROXY: { message: 'trustedProxies: not an IP address or CIDR: {value}' },
  SG_ERR_SERVER_REQUEST_LINE: { message: 'request line of {bytes} bytes exceeds {limit}', httpStatus: 414 },
  SG_ERR_SERVER_HEADER_FIELD: { message: 'header field of {bytes} bytes exceeds {limit}', httpStatus: 431 },
  SG_ERR_SERVER_HEADER_COUNT: { message: 'more than {limit} header fields', httpStatus: 431 },
  SG_ERR_SERVER_BODY_TOO_LARGE: { message: 'request body exceeds {limit} bytes', httpStatus: 413 },
  SG_ERR_SERVER_HEADERS_TIMEOUT: { message: 'request head not received within {limit}', httpStatus: 408 },
  SG_ERR_SERVER_BAD_REQUEST: { message: 'unparsable request: {reason}', httpStatus: 400 },
  SG_ERR_SERVER_SCRIPT_REFUSED: {
    message: 'handler {handler} is not available here and no backend is configured: {path} is not sent as source',
    httpStatus: 403,
  },
  SG_ERR_SERVER_HANDLER: { message: 'handler {handler} failed: {reason}', httpStatus: 500 },
  SG_ERR_SERVER_ROUTING: { message: 'routing failed: {reason}', httpStatus: 500 },
  SG_ERR_SERVER_RELOAD: { message: 'reload failed, the previous configuration keeps serving: {reason}' },
  // --- command line -----------------------------------------------------------------------------
  SG_ERR_CLI_USAGE: { message: '{text}' },
  SG_ERR_CLI_CASES: { message: '{file}:{line}: {text}' },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

/** A position in a configuration file: the file and its 1-based physical line. */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
}

export type ErrorDetails = Readonly<Record<string, string | number | boolean | undefined>>;

function fillTemplate(template: string, details: ErrorDetails): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => {
    const value = details[key];
    return value === undefined ? whole : String(value);
  });
}

export class SgError extends Error {
  readonly code: ErrorCode;
  readonly httpStatus: number | undefined;
  readonly details: ErrorDetails;
  readonly where: SourceLocation | undefined;

  constructor(
    code: ErrorCode,
    details: ErrorDetails = {},
    options: { where?: SourceLocation; cause?: unknown; httpStatus?: number } = {},
  ) {
    const spec: ErrorSpec = ERROR_CATALOGUE[code];
    super(fillTemplate(spec.message, details), options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SgError';
    this.code = code;
    this.httpStatus = options.httpStatus ?? spec.httpStatus;
    this.details = details;
    this.where = options.where;
  }

  /** "file:line: message" when a location is known, as `check` and the loader print it. */
  describe(): string {
    return this.where ? `${this.where.file}:${this.where.line}: ${this.message}` : this.message;
  }
}

export function isSgError(value: unknown): value is SgError {
  return value instanceof SgError;
}
