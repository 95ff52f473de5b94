/**
 * Access log lines in Apache's formats (httpd.apache.org/docs/2.4/mod/mod_log_config.html#formats):
 * `combined` (default), `common`, or a LogFormat string compiled once into a list of field readers.
 * Values are escaped as `ap_escape_logitem` does (`"` and `\` backslashed, control bytes as \xhh).
 * INTERFACE.md §11: no password, Authorization or Cookie value is ever written, so those headers
 * and password-like query parameters are replaced by `[redacted]`.
 */

export interface AccessLogRecord {
  readonly remoteIp: string;
  readonly remotePort: number;
  readonly localIp: string;
  readonly localPort: number;
  readonly method: string;
  readonly rawTarget: string;
  /** `HTTP/1.1`. */
  readonly protocol: string;
  /** Final status (%>s); `originalStatus` is %s (the same unless an internal redirect changed it). */
  readonly status: number;
  readonly originalStatus: number;
  readonly requestHeaders: ReadonlyArray<readonly [string, string]>;
  readonly responseHeader: (name: string) => string | undefined;
  readonly env: ReadonlyMap<string, string>;
  /** Response body bytes (%B/%b), bytes sent with headers (%O), bytes received with headers (%I). */
  readonly bodyBytes: number;
  readonly bytesSent: number;
  readonly bytesReceived: number;
  /** Request start, ms since the epoch, and duration in µs. */
  readonly startMs: number;
  readonly durationUs: number;
  readonly serverName: string;
  /** Decoded path (%U), raw query or null (%q), r->filename (%f), r->handler (%R). */
  readonly uriPath: string;
  readonly query: string | null;
  readonly filename: string | null;
  readonly handler: string | null;
  readonly remoteUser: string | null;
  /** %X: 'X' aborted before the response completed, '+' kept alive, '-' closed. */
  readonly connectionStatus: 'X' | '+' | '-';
}

export const NAMED_FORMATS: Record<string, string> = {
  common: '%h %l %u %t "%r" %>s %b',
  combined: '%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i"',
  vhost_combined: '%v:%p %h %l %u %t "%r" %>s %O "%{Referer}i" "%{User-Agent}i"',
};

const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie']);
const SECRET_QUERY_KEY = /^(pass(word|wd)?|pwd|secret|token|api[_-]?key)$/i;
const REDACTED = '[redacted]';

/** `ap_escape_logitem`: backslash `"` and `\`, write control bytes and DEL as \xhh. */
export function escapeLogItem(value: string): string {
  let needs = false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || c === 0x7f || c === 0x22 || c === 0x5c) {
      needs = true;
      break;
    }
  }
  if (!needs) return value;
  return value.replace(/[\x00-\x1f\x7f"\\]/g, (ch) => {
    if (ch === '"') return '\\"';
    if (ch === '\\') return '\\\\';
    if (ch === '\n') return '\\n';
    if (ch === '\t') return '\\t';
    if (ch === '\r') return '\\r';
    return `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`;
  });
}

/** Replaces the values of password-like query parameters. */
export function redactQuery(query: string): string {
  if (!/(pass|pwd|secret|token|key)/i.test(query)) return query;
  return query
    .split('&')
    .map((part) => {
      const eq = part.indexOf('=');
      if (eq < 0) return part;
      let key = part.slice(0, eq);
      try {
        key = decodeURIComponent(key);
      } catch {
        /* keep raw */
      }
      return SECRET_QUERY_KEY.test(key) ? `${part.slice(0, eq)}=${REDACTED}` : part;
    })
    .join('&');
}

function redactTarget(target: string): string {
  const q = target.indexOf('?');
  return q < 0 ? target : target.slice(0, q + 1) + redactQuery(target.slice(q + 1));
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad2 = (n: number): string => String(n).padStart(2, '0');

/** `[10/Oct/2000:13:55:36 -0700]` in the process's local time zone, as Apache's %t. */
export function apacheTime(ms: number): string {
  const d = new Date(ms);
  const offsetMin = -d.getTimezoneOffset();
  const sign = offsetMin >= 0 ? '+' : '-';
  const abs = Math.abs(offsetMin);
  return (
    `[${pad2(d.getDate())}/${MONTHS[d.getMonth()]}/${d.getFullYear()}:${pad2(d.getHours())}:${pad2(d.getMinutes())}:` +
    `${pad2(d.getSeconds())} ${sign}${pad2(Math.floor(abs / 60))}${pad2(abs % 60)}]`
  );
}

type Field = (r: AccessLogRecord) => string;

function headerValue(pairs: AccessLogRecord['requestHeaders'], name: string): string | undefined {
  const lower = name.toLowerCase();
  let out: string | undefined;
  for (const [k, v] of pairs) if (k.toLowerCase() === lower) out = out === undefined ? v : `${out}, ${v}`;
  return out;
}

const dash = (value: string | null | undefined): string => (value === null || value === undefined || value === '' ? '-' : escapeLogItem(value));

function directive(letter: string, arg: string | null, final: boolean): Field {
  switch (letter) {
    case 'h':
    case 'a':
      return arg === 'c' ? (r) => r.remoteIp : (r) => r.remoteIp;
    case 'A':
      return (r) => r.localIp;
    case 'l':
      return () => '-';
    case 'u':
      return (r) => dash(r.remoteUser);
    case 't':
      if (arg === 'sec') return (r) => String(Math.floor(r.startMs / 1000));
      if (arg === 'msec') return (r) => String(Math.floor(r.startMs));
      if (arg === 'usec') return (r) => String(Math.floor(r.startMs * 1000));
      return (r) => apacheTime(r.startMs);
    case 'r':
      return (r) => escapeLogItem(`${r.method} ${redactTarget(r.rawTarget)} ${r.protocol}`);
    case 's':
      return final ? (r) => String(r.status) : (r) => String(r.originalStatus);
    case 'b':
      return (r) => (r.bodyBytes === 0 ? '-' : String(r.bodyBytes));
    case 'B':
      return (r) => String(r.bodyBytes);
    case 'O':
      return (r) => String(r.bytesSent);
    case 'I':
      return (r) => String(r.bytesReceived);
    case 'S':
      return (r) => String(r.bytesSent + r.bytesReceived);
    case 'D':
      return (r) => String(Math.round(r.durationUs));
    case 'T':
      if (arg === 'ms') return (r) => String(Math.floor(r.durationUs / 1000));
      if (arg === 'us') return (r) => String(Math.round(r.durationUs));
      return (r) => String(Math.floor(r.durationUs / 1e6));
    case 'i': {
      const name = arg ?? '';
      if (SECRET_HEADERS.has(name.toLowerCase())) return (r) => (headerValue(r.requestHeaders, name) === undefined ? '-' : REDACTED);
      return (r) => dash(headerValue(r.requestHeaders, name));
    }
    case 'o': {
      const name = arg ?? '';
      if (SECRET_HEADERS.has(name.toLowerCase())) return (r) => (r.responseHeader(name) === undefined ? '-' : REDACTED);
      return (r) => dash(r.responseHeader(name));
    }
    case 'e':
      return (r) => dash(r.env.get(arg ?? ''));
    case 'n':
      return () => '-';
    case 'U':
      return (r) => escapeLogItem(r.uriPath);
    case 'q':
      return (r) => (r.query === null ? '' : escapeLogItem(`?${redactQuery(r.query)}`));
    case 'H':
      return (r) => r.protocol;
    case 'm':
      return (r) => escapeLogItem(r.method);
    case 'v':
    case 'V':
      return (r) => escapeLogItem(r.serverName);
    case 'p':
      if (arg === 'remote') return (r) => String(r.remotePort);
      return (r) => String(r.localPort);
    case 'P':
      return () => String(process.pid);
    case 'f':
      return (r) => dash(r.filename);
    case 'R':
      return (r) => dash(r.handler);
    case 'X':
      return (r) => r.connectionStatus;
    case 'k':
      return () => '0';
    case 'L':
      return () => '-';
    default:
      // Unknown directives print as Apache prints an unset value.
      return () => '-';
  }
}

/** Compiles a LogFormat string (or the name of a predefined one) into a line formatter. */
export function compileLogFormat(format: string): (record: AccessLogRecord) => string {
  const text = NAMED_FORMATS[format] ?? format;
  const fields: Field[] = [];
  let literal = '';
  const flush = (): void => {
    if (literal !== '') {
      const value = literal;
      fields.push(() => value);
      literal = '';
    }
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\' && i + 1 < text.length) {
      const next = text[++i]!;
      literal += next === 'n' ? '\n' : next === 't' ? '\t' : next;
      continue;
    }
    if (c !== '%') {
      literal += c;
      continue;
    }
    if (text[i + 1] === '%') {
      literal += '%';
      i++;
      continue;
    }
    let j = i + 1;
    let final = false;
    // Modifiers: '<' / '>' (original / final request), and a status condition such as `!200,304`,
    // which we accept and ignore (the value is always written).
    while (j < text.length && /[<>!0-9,]/.test(text[j]!)) {
      if (text[j] === '>') final = true;
      j++;
    }
    let arg: string | null = null;
    if (text[j] === '{') {
      const close = text.indexOf('}', j);
      if (close < 0) break;
      arg = text.slice(j + 1, close);
      j = close + 1;
    }
    const letter = text[j];
    if (letter === undefined) break;
    flush();
    fields.push(directive(letter, arg, final || letter !== 's'));
    i = j;
  }
  flush();
  return (record) => {
    let line = '';
    for (const field of fields) line += field(record);
    return line;
  };
}
