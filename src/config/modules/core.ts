/**
 * core (httpd server/core.c core_cmds): the directives smoothgate emulates, the containers and
 * read-time directives (executed elsewhere), and the accepted-and-ignored rest (INTERFACE.md §9).
 */
import { GLOBAL_ONLY, NOT_IN_DIR_CONTEXT } from '../context-flags';
import { fnmatchTest } from '../fnmatch';
import type { DirectiveDef, ModuleDef } from '../module';
import type { CoreDirConf, CoreServerConf } from '../records';
import { createCoreDirConf, createCoreServerConf, mergeCoreDirConf, mergeCoreServerConf } from './core-records';
import { CORE_ACCESS_DIRECTIVES } from './core-access';
import { errorDocumentSetting } from './error-document-setting';
import { parseStringExpr } from '../../rewrite/expr';
import { OR_ALL_CTX, RSRC, RSRC_ACCESS, atoi, container, directive, fail, ignored, orClass, parseNonNegativeInt, readTime, rootRelative } from './define';

type CoreDirective = DirectiveDef<CoreServerConf, CoreDirConf>;

/**
 * The part of ap_expr's string-expression parser we can check: every `%{` must be closed
 * (SetHandler takes a string expression since 2.4.19).
 */
function checkStringExpression(value: string): void {
  let pos = value.indexOf('%{');
  while (pos >= 0) {
    const close = value.indexOf('}', pos + 2);
    if (close < 0) throw fail("Can't parse expression : syntax error, unexpected T_ERROR, expecting T_VAR_END or ':': Unterminated string or variable");
    pos = value.indexOf('%{', close + 1);
  }
}

const INC = { server: true, sections: true } as const;

/** Containers and read-time directives of core.c (their req_override as in core_cmds). */
const STRUCTURE: DirectiveDef[] = [
  container('<VirtualHost', RSRC, 'Container for directives affecting resources accessed through the specified IP address'),
  container('<Directory', RSRC, 'Container for directives affecting resources located in the specified directories'),
  container('<DirectoryMatch', RSRC, 'Container for directives affecting resources located in the specified directories'),
  container('<Location', RSRC, 'Container for directives affecting resources accessed through the specified URL paths'),
  container('<LocationMatch', RSRC, 'Container for directives affecting resources accessed through the specified URL paths'),
  container('<Files', OR_ALL_CTX, 'Container for directives affecting files matching specified patterns'),
  container('<FilesMatch', OR_ALL_CTX, 'Container for directives affecting files matching specified patterns'),
  container('<Limit', { server: false, sections: false, override: 'Limit', alsoOverride: 'AuthConfig' }, 'Container for authentication directives when accessed using specified HTTP methods'),
  container('<LimitExcept', { server: false, sections: false, override: 'Limit', alsoOverride: 'AuthConfig' }, 'Container for authentication directives to be applied when any HTTP method other than those specified is used to access the resource'),
  container('<If', OR_ALL_CTX, 'Container for directives to be conditionally applied'),
  container('<ElseIf', OR_ALL_CTX, 'Container for directives to be conditionally applied'),
  container('<Else', OR_ALL_CTX, 'Container for directives to be conditionally applied'),
  readTime('<IfModule', OR_ALL_CTX, 'raw', 'Container for directives based on existence of specified modules', true),
  readTime('<IfDefine', OR_ALL_CTX, 'raw', 'Container for directives based on existence of command line defines', true),
  readTime('<IfFile', OR_ALL_CTX, 'raw', 'Container for directives based on existence of files on disk', true),
  readTime('<IfDirective', OR_ALL_CTX, 'raw', 'Container for directives based on existence of named directive', true),
  readTime('<IfSection', OR_ALL_CTX, 'raw', 'Container for directives based on existence of named section', true),
  readTime('Include', INC, 'take1', 'Name(s) of the config file(s) to be included; fails if the wildcard does not match at least one file'),
  readTime('IncludeOptional', INC, 'take1', 'Name or pattern of the config file(s) to be included; ignored if the file does not exist or the pattern does not match any files'),
  readTime('Define', INC, 'take12', 'Define a variable, optionally to a value.  Same as passing -D to the command line.'),
  readTime('UnDefine', INC, 'take1', 'Undefine the existence of a variable. Undo a Define.'),
  readTime('ServerRoot', RSRC, 'take1', 'Common directory of server-related files (logs, confs, etc.)'),
  readTime('DefaultRuntimeDir', RSRC, 'take1', 'Common directory for run-time files (shared memory, locks, etc.)'),
];

function flagValue(word: string): boolean {
  return word === 'on';
}

const EMULATED: CoreDirective[] = [
  directive('AcceptPathInfo', orClass('FileInfo'), 'take1', 'Set to on or off for PATH_INFO to be accepted by handlers, or default for the per-handler preference', (_p, dir, _s, [v]) => {
    const lower = (v as string).toLowerCase();
    if (lower !== 'on' && lower !== 'off' && lower !== 'default') throw fail('AcceptPathInfo must be set to on, off or default');
    dir.acceptPathInfo = lower;
  }),
  directive('AccessFileName', RSRC, 'raw', 'Name(s) of per-directory config files (default: .htaccess)', (_p, _d, s, [raw]) => {
    s.accessFileNames = (raw as string).split(/[ \t]+/).filter((w) => w !== '');
  }, { notIn: NOT_IN_DIR_CONTEXT }),
  directive('AddDefaultCharset', orClass('FileInfo'), 'take1', 'The name of the default charset to add to any Content-Type without one or \'Off\' to disable', (p, dir, _s, [v]) => {
    const lower = (v as string).toLowerCase();
    dir.addDefaultCharset = lower === 'off' ? 'off' : lower === 'on' ? 'iso-8859-1' : (v as string);
    p.note?.('ignored', 'AddDefaultCharset is recorded; smoothgate adds no charset to proxied or streamed responses');
  }),
  directive('DocumentRoot', RSRC, 'take1', 'Root directory of the document tree', (p, _d, s, [v]) => {
    const path = rootRelative(p, v as string);
    const trimmed = path.length > 1 ? path.replace(/\/+$/, '') : path;
    if ((p.statKind?.(path) ?? 'directory') !== 'directory') {
      if (p.server.isVirtual) p.warn(`Warning: DocumentRoot [${path}] does not exist`);
      else throw fail(`DocumentRoot '${path}' is not a directory, or is not readable`);
    }
    s.documentRoot = trimmed === '' ? '/' : trimmed;
  }, { notIn: NOT_IN_DIR_CONTEXT }),
  directive('ErrorDocument', orClass('FileInfo'), 'take2', 'Change responses for HTTP errors', (p, dir, _s, [code, text]) => {
    const setting = errorDocumentSetting(code as string, text as string);
    if (setting.kind === 'ignored') {
      p.warn(`cannot use a full URL in a 401 ErrorDocument directive --- ignoring! (AH00113)`);
      return;
    }
    if (setting.kind === 'response') {
      const parsed = parseStringExpr(setting.response);
      if (!parsed.ok && !parsed.unsupported) throw fail(`Cannot parse expression in ErrorDocument: ${parsed.reason}`);
      if (!parsed.ok) p.note?.('unsupported', `ErrorDocument ${code} ${text}: ${parsed.reason}; Apache's built-in page is sent instead`);
    }
    const next = new Map(dir.errorDocuments);
    next.set(setting.status, setting.kind === 'default' ? null : setting.response);
    dir.errorDocuments = next;
  }),
  directive('ForceType', orClass('FileInfo'), 'take1', 'a mime type that overrides other configured type', (_p, dir, _s, [v]) => {
    dir.forceType = (v as string).toLowerCase();
  }),
  directive('SetHandler', orClass('FileInfo'), 'take1', 'a handler name that overrides any other configured handler', (p, dir, _s, [v]) => {
    const value = v as string;
    checkStringExpression(value);
    if (value.includes('%{')) p.note?.('unsupported', `SetHandler expression ${value} is taken literally`);
    dir.handler = value;
    if (/^proxy:/i.test(value)) p.backendOnly?.(`SetHandler ${value}`);
  }),
  directive('SetOutputFilter', orClass('FileInfo'), 'take1', 'filter (or ; delimited list of filters) to be run on the request content', (p, dir, _s, [v]) => {
    dir.outputFilters = v as string;
    const others = (v as string).split(';').filter((f) => f !== '' && f.toUpperCase() !== 'DEFLATE');
    if (others.length > 0) p.backendOnly?.(`SetOutputFilter ${others.join(';')}`);
  }),
  directive('SetInputFilter', orClass('FileInfo'), 'take1', 'filter (or ; delimited list of filters) to be run on the request body', (p, dir, _s, [v]) => {
    dir.inputFilters = v as string;
    p.backendOnly?.(`SetInputFilter ${v}`);
  }),
  directive('LimitInternalRecursion', RSRC, 'take12', 'maximum recursion depth of internal redirects and subrequests', (_p, _d, s, [a, b]) => {
    const redirects = atoi(a as string);
    if (redirects <= 0) throw fail('The recursion limit must be greater than zero.');
    let subrequests = redirects;
    if (b !== undefined) {
      subrequests = atoi(b);
      if (subrequests <= 0) throw fail('The recursion limit must be greater than zero.');
    }
    s.limitInternalRecursion = { redirects, subrequests };
  }),
  directive('LimitRequestLine', RSRC, 'take1', 'Limit on maximum size of an HTTP request line', (_p, _d, s, [v]) => {
    const n = atoi(v as string);
    if (n < 0) throw fail(`LimitRequestLine "${v}" must be a non-negative integer`);
    s.limitRequestLine = n;
  }, { notIn: NOT_IN_DIR_CONTEXT }),
  directive('LimitRequestFieldsize', RSRC, 'take1', 'Limit on maximum size of an HTTP request header field', (_p, _d, s, [v]) => {
    const n = atoi(v as string);
    if (n < 0) throw fail(`LimitRequestFieldsize "${v}" must be a non-negative integer`);
    s.limitRequestFieldSize = n;
  }, { notIn: NOT_IN_DIR_CONTEXT }),
  directive('LimitRequestFields', RSRC, 'take1', 'Limit (0 = unlimited) on max number of header fields in a request message', (_p, _d, s, [v]) => {
    const n = atoi(v as string);
    if (n < 0) throw fail(`LimitRequestFields "${v}" must be a non-negative integer (0 = no limit)`);
    s.limitRequestFields = n;
  }, { notIn: NOT_IN_DIR_CONTEXT }),
  directive('LimitRequestBody', OR_ALL_CTX, 'take1', 'Limit (in bytes) on maximum size of request message body', (_p, dir, _s, [v]) => {
    if (!/^[ \t]*[+-]?\d/.test(v as string)) throw fail('LimitRequestBody argument is not parsable.');
    const n = parseNonNegativeInt(v as string);
    if (n === null) throw fail('LimitRequestBody requires a non-negative integer.');
    dir.limitRequestBody = n;
  }),
  directive('MergeSlashes', RSRC, 'flag', 'Controls whether consecutive slashes in the URI path are merged', (_p, _d, s, [v]) => {
    s.mergeSlashes = flagValue(v as string);
  }),
  directive('AllowEncodedSlashes', RSRC, 'take1', 'Allow URLs containing \'/\' encoded as \'%2F\'', (_p, _d, s, [v]) => {
    const lower = (v as string).toLowerCase();
    if (lower !== 'on' && lower !== 'off' && lower !== 'nodecode') throw fail('AllowEncodedSlashes must be On, Off, or NoDecode');
    s.allowEncodedSlashes = lower;
  }),
  directive('UseCanonicalName', RSRC_ACCESS, 'take1', 'How to work out the ServerName : Port when constructing URLs', (_p, _d, s, [v]) => {
    const lower = (v as string).toLowerCase();
    if (lower !== 'on' && lower !== 'off' && lower !== 'dns') throw fail('parameter must be \'on\', \'off\', or \'dns\'');
    s.useCanonicalName = lower;
  }),
  directive('ServerAdmin', RSRC, 'take1', 'The email address of the server administrator', (_p, _d, s, [v]) => {
    s.serverAdmin = v as string;
  }),
  directive('ServerName', RSRC, 'take1', 'The hostname and port of the server', (p, _d, s, [v]) => {
    let value = v as string;
    if (fnmatchTest(value)) {
      throw fail(`Invalid ServerName "${value}" use ServerAlias to set multiple server names.`);
    }
    const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(value);
    if (scheme) {
      s.serverNameScheme = (scheme[1] as string).toLowerCase();
      value = value.slice(scheme[0].length);
    }
    const port = /:(\d*)$/.exec(value);
    if (port) {
      const n = Number(port[1]);
      if (port[1] === '' || n <= 0 || n > 65535) throw fail(`The port number "${port[1]}" is outside the appropriate range (i.e., 1..65535).`);
      s.serverNamePort = n;
      value = value.slice(0, port.index);
    }
    p.server.serverName = value;
  }),
  directive('ServerAlias', RSRC, 'raw', 'A name or names alternately used to access the server', (p, _d, _s, [raw]) => {
    if (!p.server.isVirtual) throw fail('ServerAlias only used in <VirtualHost>');
    for (const name of (raw as string).split(/[ \t]+/)) if (name !== '') p.server.serverAliases.push(name);
  }),
  directive('HttpProtocolOptions', RSRC, 'iterate', '\'Allow0.9\' or \'Require1.0\' (default); \'RegisteredMethods\' or \'LenientMethods\' (default); \'Unsafe\' or \'Strict\' (default). Sets HTTP acceptance rules', (_p, _d, s, [v]) => {
    switch ((v as string).toLowerCase()) {
      case 'allow0.9':
        s.allowHttp09 = true;
        break;
      case 'require1.0':
        s.allowHttp09 = false;
        break;
      case 'strict':
        s.protocolStrict = true;
        break;
      case 'unsafe':
        s.protocolStrict = false;
        break;
      case 'registeredmethods':
        s.registeredMethodsOnly = true;
        break;
      case 'lenientmethods':
        s.registeredMethodsOnly = false;
        break;
      default:
        throw fail(`HttpProtocolOptions accepts 'Unsafe' or 'Strict' (default), 'RegisteredMethods' or 'LenientMethods' (default), and 'Require1.0' or 'Allow0.9' (default)`);
    }
  }),
  directive('Error', OR_ALL_CTX, 'raw', 'Generate error message from within configuration', (_p, _d, _s, [raw]) => {
    const text = (raw as string).replace(/^"(.*)"$/, '$1');
    throw fail(text);
  }),
  directive('Listen', RSRC, 'takeArgv', 'A port number or a numeric IP address and a port number, and an optional protocol', (p, _d, _s, args) => {
    if (args.length < 1 || args.length > 2) throw fail('Listen requires 1 or 2 arguments.');
    const parsed = parseAddrPort(args[0] as string);
    if (!parsed) throw fail('Invalid address or port');
    if (parsed.port === 0) throw fail('Port must be specified');
    const sink = listenSink(p.server);
    const key = `${parsed.host ?? '*'}:${parsed.port}`;
    if (sink.some((line) => listenKey(line) === key)) throw fail('Cannot define multiple Listeners on the same IP:port');
    sink.push(args.join(' '));
  }, { notIn: GLOBAL_ONLY }),
];

/** apr_parse_addr_port: "80", "host:80", "[v6]:80", "host" (port 0); null when malformed. */
function parseAddrPort(text: string): { host: string | null; port: number } | null {
  let host: string | null;
  let portText: string | null;
  const v6 = /^\[([^\]]*)\](?::(.*))?$/.exec(text);
  if (v6) {
    host = v6[1] as string;
    portText = v6[2] ?? null;
  } else if (/^\d+$/.test(text)) {
    host = null;
    portText = text;
  } else {
    const colon = text.lastIndexOf(':');
    host = colon < 0 ? text : text.slice(0, colon);
    portText = colon < 0 ? null : text.slice(colon + 1);
    if (host === '' ) return null;
  }
  if (portText === null || portText === '') return { host: host === '*' ? null : host, port: 0 };
  if (!/^\d+$/.test(portText) || Number(portText) > 65535 || Number(portText) === 0) return null;
  return { host: host === '*' ? null : host, port: Number(portText) };
}

function listenKey(line: string): string {
  const parsed = parseAddrPort(line.split(' ')[0] as string);
  return parsed ? `${parsed.host ?? '*'}:${parsed.port}` : line;
}

/** Listen lines are collected on the main server object and moved to LoadedConfig by the loader. */
const listens = new WeakMap<object, string[]>();
export function listenSink(server: object): string[] {
  let list = listens.get(server);
  if (!list) {
    list = [];
    listens.set(server, list);
  }
  return list;
}

const T = 'process tuning: smoothgate.yaml covers the role';
const IGNORED: DirectiveDef[] = [
  ...['Timeout', 'ServerTokens', 'TraceEnable', 'PidFile', 'ScoreBoardFile', 'MaxRequestsPerChild', 'MaxConnectionsPerChild', 'CoreDumpDirectory',
    'MaxMemFree', 'ThreadStackSize', 'EnableExceptionHook', 'ListenBacklog', 'ListenCoresBucketsRatio', 'SendBufferSize', 'ReceiveBufferSize',
    'ProtocolsHonorOrder', 'ServerPath', 'FlushMaxThreshold', 'FlushMaxPipelined', 'GprofDir', 'NameVirtualHost', 'Protocol'].map((n) => ignored(n, RSRC, 'take1', T)),
  ...['MaxRanges', 'MaxRangeOverlaps', 'MaxRangeReversals'].map((n) => ignored(n, RSRC_ACCESS, 'take1', T)),
  ignored('ErrorLog', RSRC, 'take1', 'error logs are structured JSON on stderr (smoothgate.yaml log.*)'),
  ignored('Mutex', RSRC, 'raw', T),
  ignored('ErrorLogFormat', RSRC, 'take12', 'logging is configured in smoothgate.yaml'),
  ignored('AcceptFilter', RSRC, 'take2', T),
  ignored('Protocols', RSRC, 'iterate', 'HTTP/2 is not offered'),
  ignored('RegisterHttpMethod', RSRC, 'iterate', T),
  ignored('ExtendedStatus', RSRC, 'flag', T),
  ignored('SeeRequestTail', RSRC, 'flag', T),
  ignored('MergeTrailers', RSRC, 'flag', T),
  ignored('LogLevel', RSRC_ACCESS, 'iterate', 'log levels are configured in smoothgate.yaml'),
  ignored('ReadBufferSize', RSRC_ACCESS, 'take1', T),
  ignored('HostnameLookups', RSRC_ACCESS, 'take1', T),
  ignored('ServerSignature', OR_ALL_CTX, 'take1', 'error pages carry no signature'),
  ignored('LimitXMLRequestBody', OR_ALL_CTX, 'take1', T),
  ...['RLimitCPU', 'RLimitMEM', 'RLimitNPROC'].map((n) => ignored(n, OR_ALL_CTX, 'take12', T)),
  ...['EnableMMAP', 'EnableSendfile', 'DefaultType'].map((n) => ignored(n, orClass('FileInfo'), 'take1', T)),
  ignored('FileETag', orClass('FileInfo'), 'raw', 'ETags are computed by smoothgate'),
  ignored('CGIPassAuth', orClass('AuthConfig'), 'flag', 'CGI runs on the backend'),
  ignored('CGIVar', orClass('FileInfo'), 'take2', 'CGI runs on the backend'),
  ignored('QualifyRedirectURL', orClass('FileInfo'), 'flag', 'CGI runs on the backend'),
  ignored('RegexDefaultOptions', RSRC, 'raw', T),
  ignored('UseCanonicalPhysicalPort', RSRC_ACCESS, 'take1', T),
  ignored('UNCList', RSRC, 'takeArgv', 'Windows only'),
];

export const coreModule: ModuleDef<CoreServerConf, CoreDirConf> = {
  id: 'core_module',
  sourceName: 'core.c',
  createServerConfig: createCoreServerConf,
  mergeServerConfig: mergeCoreServerConf,
  createDirConfig: createCoreDirConf,
  mergeDirConfig: mergeCoreDirConf,
  directives: [...(STRUCTURE as CoreDirective[]), ...EMULATED, ...(CORE_ACCESS_DIRECTIVES as CoreDirective[]), ...(IGNORED as CoreDirective[])],
};
