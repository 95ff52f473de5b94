/**
 * `RewriteCond expr "…"` — a subset of Apache's ap_expr (server/util_expr_parse.y,
 * util_expr_eval.c; httpd.apache.org/docs/2.4/expr.html) evaluated exactly, the rest refused at
 * configuration time (fail closed, INTERFACE.md §9):
 * - `true`, `false`, `!`, `&&`, `||` (|| binds loosest), parentheses;
 * - words: 'strings' and "strings" with %{VAR} and $0…$9 inside, %{VAR}, %{func:arg}, digits,
 *   func(word) for req/http/reqenv/env/osenv/note/tolower/toupper/escape/unescape, '.' joins;
 * - `== = != < <= > >=` (strcmp), `-eq -ne -lt -le -gt -ge` (integers), `=~ !~` with /re/[i] or
 *   m#re#[i] (the last match feeds $N and the condition's %N), `in {a, b}`, `-n`, `-z`.
 * Refused: file tests (-f -d -s -e -L -h -x -F -U, restricted in .htaccess since 2.4.67),
 * -ipmatch, -strmatch/-strcmatch/-fnmatch, -T, -R, other functions.
 */
import type { RewriteCtx } from './context';
import { lookupVariable } from './variables';
import { execPcre, translatePcre } from './pcre';
import type { CompiledRegex } from './pcre';
import { escapeUri, unescapeUrl } from './uri';

type Part = { kind: 'lit'; text: string } | { kind: 'var'; name: string } | { kind: 'backref'; n: number };
type Word =
  | { kind: 'parts'; parts: Part[] }
  | { kind: 'func'; name: string; arg: Word }
  | { kind: 'concat'; left: Word; right: Word };

export type ExprNode =
  | { kind: 'const'; value: boolean }
  | { kind: 'not'; e: ExprNode }
  | { kind: 'and' | 'or'; a: ExprNode; b: ExprNode }
  | { kind: 'cmp'; op: string; a: Word; b: Word }
  | { kind: 'match'; negate: boolean; a: Word; re: CompiledRegex }
  | { kind: 'in'; a: Word; list: Word[] }
  | { kind: 'unary'; op: '-n' | '-z'; a: Word };

export type ExprParseResult = { ok: true; node: ExprNode } | { ok: false; reason: string };

const STRING_FUNCS = new Set(['req', 'http', 'reqenv', 'env', 'osenv', 'note', 'tolower', 'toupper', 'escape', 'unescape']);
/** ap_expr variables evaluated here (util_expr_eval.c request_var_names / conn / misc). */
const EXPR_VARIABLES = new Set([
  'HTTP_ACCEPT', 'HTTP_COOKIE', 'HTTP_FORWARDED', 'HTTP_HOST', 'HTTP_PROXY_CONNECTION', 'HTTP_REFERER',
  'HTTP_USER_AGENT', 'REQUEST_METHOD', 'REQUEST_SCHEME', 'REQUEST_URI', 'DOCUMENT_URI', 'REQUEST_FILENAME',
  'SCRIPT_FILENAME', 'PATH_INFO', 'QUERY_STRING', 'IS_SUBREQ', 'DOCUMENT_ROOT', 'THE_REQUEST', 'CONTENT_TYPE',
  'HANDLER', 'REMOTE_HOST', 'SERVER_ADMIN', 'SERVER_NAME', 'SERVER_PORT', 'SERVER_PROTOCOL', 'SERVER_SOFTWARE',
  'API_VERSION', 'TIME', 'TIME_YEAR', 'TIME_MON', 'TIME_DAY', 'TIME_HOUR', 'TIME_MIN', 'TIME_SEC', 'TIME_WDAY',
  'HTTPS', 'IPV6', 'REMOTE_ADDR', 'CONN_REMOTE_ADDR', 'CONTEXT_PREFIX', 'CONTEXT_DOCUMENT_ROOT', 'SERVER_ADDR',
]);

const BINARY = new Set(['==', '=', '!=', '<', '<=', '>', '>=', '-eq', '-ne', '-lt', '-le', '-gt', '-ge']);

class ParseError extends Error {}

class Parser {
  private pos = 0;
  constructor(private readonly s: string) {}

  private ws(): void {
    while (this.pos < this.s.length && /\s/.test(this.s[this.pos]!)) this.pos++;
  }
  private peek(t: string): boolean {
    this.ws();
    return this.s.startsWith(t, this.pos);
  }
  private eat(t: string): boolean {
    if (this.peek(t)) {
      this.pos += t.length;
      return true;
    }
    return false;
  }

  parse(): ExprNode {
    const e = this.or();
    this.ws();
    if (this.pos < this.s.length) throw new ParseError(`syntax error near '${this.s.slice(this.pos, this.pos + 10)}'`);
    return e;
  }

  private or(): ExprNode {
    let a = this.and();
    while (this.eat('||')) a = { kind: 'or', a, b: this.and() };
    return a;
  }
  private and(): ExprNode {
    let a = this.not();
    while (this.eat('&&')) a = { kind: 'and', a, b: this.not() };
    return a;
  }
  private not(): ExprNode {
    this.ws();
    if (this.s[this.pos] === '!' && this.s[this.pos + 1] !== '=' && this.s[this.pos + 1] !== '~') {
      this.pos++;
      return { kind: 'not', e: this.not() };
    }
    return this.primary();
  }
  private primary(): ExprNode {
    if (this.eat('(')) {
      const e = this.or();
      if (!this.eat(')')) throw new ParseError("missing ')'");
      return e;
    }
    this.ws();
    const kw = /^(true|false)\b/.exec(this.s.slice(this.pos));
    if (kw) {
      this.pos += kw[0].length;
      return { kind: 'const', value: kw[1] === 'true' };
    }
    const unary = /^-([A-Za-z]+)\s/.exec(this.s.slice(this.pos));
    if (unary) {
      const op = unary[1]!;
      if (op === 'n' || op === 'z') {
        this.pos += unary[0].length;
        return { kind: 'unary', op: op === 'n' ? '-n' : '-z', a: this.word() };
      }
      throw new ParseError(`unary operator -${op} is not supported by smoothgate`);
    }
    const a = this.word();
    this.ws();
    const rest = this.s.slice(this.pos);
    if (rest.startsWith('=~') || rest.startsWith('!~')) {
      this.pos += 2;
      return { kind: 'match', negate: rest[0] === '!', a, re: this.regex() };
    }
    const op = /^(==|!=|<=|>=|=|<|>|-[a-z]+)/.exec(rest);
    if (op) {
      if (!BINARY.has(op[1]!)) throw new ParseError(`operator ${op[1]} is not supported by smoothgate`);
      this.pos += op[1]!.length;
      return { kind: 'cmp', op: op[1]!, a, b: this.word() };
    }
    if (/^in\b/.test(rest)) {
      this.pos += 2;
      if (!this.eat('{')) throw new ParseError("expected '{' after in");
      const list = [this.word()];
      while (this.eat(',')) list.push(this.word());
      if (!this.eat('}')) throw new ParseError("expected '}'");
      return { kind: 'in', a, list };
    }
    throw new ParseError(`syntax error near '${rest.slice(0, 10)}'`);
  }

  /**
   * The whole text as a string expression (ap_expr with AP_EXPR_FLAG_STRING_RESULT; util_expr_scan.l
   * state `str` with no delimiter): literal text, `%{VAR}`/`%{func:arg}`, `$N`, and the backslash
   * escapes `\n \r \t \b \f`, octal `\NNN` and `\x` for any other x.
   */
  stringParts(): Part[] {
    const parts: Part[] = [];
    let lit = '';
    const flush = (): void => {
      if (lit) parts.push({ kind: 'lit', text: lit });
      lit = '';
    };
    const escapes: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f' };
    while (this.pos < this.s.length) {
      const c = this.s[this.pos]!;
      if (c === '\\' && this.pos + 1 < this.s.length) {
        const octal = /^[0-7]{1,3}/.exec(this.s.slice(this.pos + 1));
        if (octal) {
          const code = parseInt(octal[0], 8);
          if (code > 0xff) throw new ParseError('Escape sequence out of bound');
          lit += String.fromCharCode(code);
          this.pos += 1 + octal[0].length;
        } else {
          const next = this.s[this.pos + 1]!;
          lit += escapes[next] ?? next;
          this.pos += 2;
        }
      } else if (c === '%' && this.s[this.pos + 1] === '{') {
        flush();
        parts.push(this.variable());
      } else if (c === '$' && /[0-9]/.test(this.s[this.pos + 1] ?? '')) {
        flush();
        parts.push({ kind: 'backref', n: Number(this.s[this.pos + 1]) });
        this.pos += 2;
      } else {
        lit += c;
        this.pos++;
      }
    }
    flush();
    return parts;
  }

  private regex(): CompiledRegex {
    this.ws();
    let delim = this.s[this.pos];
    if (delim === 'm') {
      this.pos++;
      delim = this.s[this.pos];
    }
    if (delim === undefined || /[\sA-Za-z0-9]/.test(delim)) throw new ParseError('expected a regular expression');
    const end = this.s.indexOf(delim, this.pos + 1);
    if (end < 0) throw new ParseError('unterminated regular expression');
    const src = this.s.slice(this.pos + 1, end);
    this.pos = end + 1;
    let nocase = false;
    if (this.s[this.pos] === 'i') {
      nocase = true;
      this.pos++;
    }
    const t = translatePcre(src, nocase);
    if (!t.ok) throw new ParseError(`regular expression '${src}': ${t.reason}`);
    return t.value;
  }

  private word(): Word {
    let w = this.atom();
    while (this.peek('.') ) {
      this.pos++;
      w = { kind: 'concat', left: w, right: this.atom() };
    }
    return w;
  }

  private atom(): Word {
    this.ws();
    const c = this.s[this.pos];
    if (c === "'" || c === '"') return { kind: 'parts', parts: this.quoted(c) };
    if (c === '%' && this.s[this.pos + 1] === '{') return { kind: 'parts', parts: [this.variable()] };
    if (c === '$' && /[0-9]/.test(this.s[this.pos + 1] ?? '')) {
      this.pos += 2;
      return { kind: 'parts', parts: [{ kind: 'backref', n: Number(this.s[this.pos - 1]) }] };
    }
    const num = /^-?\d+/.exec(this.s.slice(this.pos));
    if (num) {
      this.pos += num[0].length;
      return { kind: 'parts', parts: [{ kind: 'lit', text: num[0] }] };
    }
    const fn = /^([A-Za-z_]\w*)\s*\(/.exec(this.s.slice(this.pos));
    if (fn) {
      const name = fn[1]!.toLowerCase();
      if (!STRING_FUNCS.has(name)) throw new ParseError(`function ${fn[1]} is not supported by smoothgate`);
      this.pos += fn[0].length;
      const arg = this.word();
      if (!this.eat(')')) throw new ParseError("missing ')' after function argument");
      return { kind: 'func', name, arg };
    }
    throw new ParseError(`syntax error near '${this.s.slice(this.pos, this.pos + 10)}'`);
  }

  private variable(): Part {
    const end = this.s.indexOf('}', this.pos);
    if (end < 0) throw new ParseError("missing '}'");
    const name = this.s.slice(this.pos + 2, end);
    this.pos = end + 1;
    const colon = name.indexOf(':');
    if (colon >= 0 && !STRING_FUNCS.has(name.slice(0, colon).toLowerCase())) {
      throw new ParseError(`%{${name}} is not supported by smoothgate`);
    }
    if (colon < 0 && !EXPR_VARIABLES.has(name.toUpperCase())) {
      // ap_expr knows a fixed list of variables (unknown ones are a parse error in Apache too).
      throw new ParseError(`variable '${name}' is not supported by smoothgate in expr`);
    }
    return { kind: 'var', name };
  }

  private quoted(q: string): Part[] {
    this.pos++;
    const parts: Part[] = [];
    let lit = '';
    while (this.pos < this.s.length && this.s[this.pos] !== q) {
      const c = this.s[this.pos]!;
      if (c === '\\' && this.pos + 1 < this.s.length) {
        lit += this.s[this.pos + 1];
        this.pos += 2;
      } else if (c === '%' && this.s[this.pos + 1] === '{') {
        if (lit) parts.push({ kind: 'lit', text: lit });
        lit = '';
        parts.push(this.variable());
      } else if (c === '$' && /[0-9]/.test(this.s[this.pos + 1] ?? '')) {
        if (lit) parts.push({ kind: 'lit', text: lit });
        lit = '';
        parts.push({ kind: 'backref', n: Number(this.s[this.pos + 1]) });
        this.pos += 2;
      } else {
        lit += c;
        this.pos++;
      }
    }
    if (this.s[this.pos] !== q) throw new ParseError('unterminated string');
    this.pos++;
    if (lit) parts.push({ kind: 'lit', text: lit });
    return parts;
  }
}

export function parseExpr(text: string): ExprParseResult {
  try {
    return { ok: true, node: new Parser(text).parse() };
  } catch (e) {
    if (e instanceof ParseError) return { ok: false, reason: e.message };
    throw e;
  }
}

/** A parsed string expression (`ErrorDocument 404 /e?u=%{REQUEST_URI}`). */
export interface StringExpr {
  readonly word: Word;
}

export type StringExprParseResult = { ok: true; expr: StringExpr } | { ok: false; reason: string; unsupported: boolean };

/**
 * Parse `text` as an ap_expr string expression. `unsupported` tells a construct Apache knows but
 * this evaluator does not (refused, INTERFACE.md §9) from a syntax error Apache rejects too.
 */
export function parseStringExpr(text: string): StringExprParseResult {
  try {
    return { ok: true, expr: { word: { kind: 'parts', parts: new Parser(text).stringParts() } } };
  } catch (e) {
    if (e instanceof ParseError) return { ok: false, reason: e.message, unsupported: e.message.includes('not supported by smoothgate') };
    throw e;
  }
}

/** State of one evaluation: the last regex match ($N) and the headers to add to Vary. */
interface EvalState {
  groups: Array<string | undefined> | null;
  vary: string[];
}

function header(ctx: RewriteCtx, st: EvalState, name: string): string {
  const v = ctx.r.headersIn.getJoined(name);
  if (v !== undefined && name.toLowerCase() !== 'host') st.vary.push(name);
  return v ?? '';
}

function callFunc(name: string, arg: string, ctx: RewriteCtx, st: EvalState): string {
  const r = ctx.r;
  switch (name) {
    case 'req':
    case 'http':
      return header(ctx, st, arg);
    case 'reqenv':
      return r.env.get(arg) ?? '';
    case 'env':
      return r.notes.get(arg) ?? r.env.get(arg) ?? r.services.processEnv(arg) ?? '';
    case 'osenv':
      return r.services.processEnv(arg) ?? '';
    case 'note':
      return r.notes.get(arg) ?? '';
    case 'tolower':
      return arg.replace(/[A-Z]/g, (c) => c.toLowerCase());
    case 'toupper':
      return arg.replace(/[a-z]/g, (c) => c.toUpperCase());
    case 'escape':
      return escapeUri(arg);
    default:
      return unescapeUrl(arg);
  }
}

function varValue(name: string, ctx: RewriteCtx, st: EvalState): string {
  const colon = name.indexOf(':');
  if (colon >= 0) return callFunc(name.slice(0, colon).toLowerCase(), name.slice(colon + 1), ctx, st);
  const upper = name.toUpperCase();
  if (upper === 'DOCUMENT_URI') return ctx.r.uri;
  if (upper === 'CONTENT_TYPE') return ctx.r.contentType ?? '';
  if (upper === 'HANDLER') return ctx.r.handler ?? '';
  // The common CGI-style names mean the same in ap_expr and mod_rewrite; mod_rewrite's own Vary
  // bookkeeping is not ap_expr's, so headers go through header().
  const known: Record<string, string> = {
    HTTP_HOST: 'Host', HTTP_USER_AGENT: 'User-Agent', HTTP_REFERER: 'Referer', HTTP_COOKIE: 'Cookie',
    HTTP_ACCEPT: 'Accept', HTTP_FORWARDED: 'Forwarded', HTTP_PROXY_CONNECTION: 'Proxy-Connection',
  };
  if (known[upper]) return header(ctx, st, known[upper]!);
  const saved = ctx.varyThis;
  ctx.varyThis = [];
  const v = lookupVariable(upper, ctx);
  ctx.varyThis = saved;
  return v;
}

function wordValue(w: Word, ctx: RewriteCtx, st: EvalState): string {
  switch (w.kind) {
    case 'concat':
      return wordValue(w.left, ctx, st) + wordValue(w.right, ctx, st);
    case 'func':
      return callFunc(w.name, wordValue(w.arg, ctx, st), ctx, st);
    case 'parts':
      return w.parts.map((p) => (p.kind === 'lit' ? p.text : p.kind === 'var' ? varValue(p.name, ctx, st) : st.groups?.[p.n] ?? '')).join('');
  }
}

function toInt(s: string): number {
  const m = /^\s*([+-]?\d+)/.exec(s);
  return m ? Number(m[1]) : 0;
}

function evalNode(e: ExprNode, ctx: RewriteCtx, st: EvalState): boolean {
  switch (e.kind) {
    case 'const':
      return e.value;
    case 'not':
      return !evalNode(e.e, ctx, st);
    case 'and':
      return evalNode(e.a, ctx, st) && evalNode(e.b, ctx, st);
    case 'or':
      return evalNode(e.a, ctx, st) || evalNode(e.b, ctx, st);
    case 'unary': {
      const v = wordValue(e.a, ctx, st);
      return e.op === '-n' ? v !== '' : v === '';
    }
    case 'in': {
      const v = wordValue(e.a, ctx, st);
      return e.list.some((w) => wordValue(w, ctx, st) === v);
    }
    case 'match': {
      const groups = execPcre(e.re, wordValue(e.a, ctx, st));
      if (groups) st.groups = groups;
      return e.negate ? groups === null : groups !== null;
    }
    case 'cmp': {
      const a = wordValue(e.a, ctx, st);
      const b = wordValue(e.b, ctx, st);
      const cmp = a < b ? -1 : a > b ? 1 : 0;
      switch (e.op) {
        case '==':
        case '=':
          return a === b;
        case '!=':
          return a !== b;
        case '<':
          return cmp < 0;
        case '<=':
          return cmp <= 0;
        case '>':
          return cmp > 0;
        case '>=':
          return cmp >= 0;
        case '-eq':
          return toInt(a) === toInt(b);
        case '-ne':
          return toInt(a) !== toInt(b);
        case '-lt':
          return toInt(a) < toInt(b);
        case '-le':
          return toInt(a) <= toInt(b);
        case '-gt':
          return toInt(a) > toInt(b);
        default:
          return toInt(a) >= toInt(b);
      }
    }
  }
}

/** Evaluates an expr condition; returns the result, the last regex groups and headers for Vary. */
export function evalExpr(e: ExprNode, ctx: RewriteCtx): { value: boolean; groups: Array<string | undefined> | null; vary: string[] } {
  const st: EvalState = { groups: null, vary: [] };
  const value = evalNode(e, ctx, st);
  return { value, groups: st.groups, vary: st.vary };
}

/** The value of a string expression for the request of `ctx`. */
export function evalStringExpr(expr: StringExpr, ctx: RewriteCtx): string {
  return wordValue(expr.word, ctx, { groups: null, vary: [] });
}
