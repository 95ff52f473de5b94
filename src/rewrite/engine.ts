/**
 * The rewriting engine (mod_rewrite.c `apply_rewrite_list`, `apply_rewrite_rule`,
 * `force_type_handler`, `fully_qualify_uri`, `reduce_uri`). Like Apache it works on the request
 * record itself — r.filename, r.args, r.pathInfo, env, notes and response headers — and returns
 * what the pass did; the hooks (server-hook.ts, perdir-hook.ts) turn that into a result.
 * SPEC-NOTES §4.4.3–4.4.5.
 */
import type { CoreServerConf } from '../config/records';
import type { RequestRec } from '../routing/request-rec';
import { SgError } from '../errors';
import type { ErrorCode } from '../errors';
import type { RewriteCtx } from './context';
import { applyCond } from './conditions';
import { expand, leadingLiteral } from './expand';
import { execPcre } from './pcre';
import type { RewriteRuleEntry, RewriteServerConf } from './types';
import { isAbsoluteUri, splitOutQueryArgs } from './uri';
import { coreServerConf, httpScheme, isDefaultPort, serverNameForUrl } from './variables';
import { addCookie } from './cookies';
import { trace } from './trace';
import { mergeVary } from './vary';

/** rule_return_type */
type RuleOutcome = 'nomatch' | 'match' | 'nosub' | 'statusSet';

/** ACTION_* of apply_rewrite_list: what the whole pass did. */
export type ListAction = 'unchanged' | 'normal' | 'noescape' | 'status' | 'statusSet';

export interface ListResult {
  readonly action: ListAction;
  /** For an error status of ours: the catalogue code and its message. */
  readonly error?: { readonly code: ErrorCode; readonly message: string };
  /** r->status as the rules left it: forced status for F/G/R, 200 otherwise. */
  readonly status: number;
  /** The last rule that matched with a substitution (prefix_stat's "lastsub"). */
  readonly lastSub: RewriteRuleEntry | null;
}

/** Per-pass state besides the request record. */
interface PassState {
  status: number;
  /**
   * The per-dir match subject (r->filename + r->path_info without the directory prefix) and the
   * filename and path info it was made from: rules that do not substitute leave both unchanged,
   * so the next rule reuses the subject instead of stripping the prefix again.
   */
  subjectFilename: string | null;
  subjectPathInfo: string;
  subject: string | null;
  subjectIsProxy: boolean;
}

export const END_MARKER = 'mod_rewrite:really_last';
export const NOTE_FORCED_TYPE = 'rewrite-forced-mimetype';
export const NOTE_FORCED_HANDLER = 'rewrite-forced-handler';
export const NOTE_URI_REDUCED = 'mod_rewrite_uri_reduced';

/** LimitRequestLine (default 8190): a rewritten filename longer than twice that is a 500. */
function limitRequestLine(r: RequestRec): number {
  return coreServerConf(r).limitRequestLine ?? 8190;
}

/** fully_qualify_uri: make a local result absolute with this server's scheme, name and port. */
export function fullyQualify(r: RequestRec, filename: string): string {
  if (r.method === 'CONNECT' || isAbsoluteUri(filename).skip > 0) return filename;
  const port = isDefaultPort(r, r.port) ? '' : `:${r.port}`;
  return `${httpScheme(r)}://${serverNameForUrl(r)}${port}${filename.startsWith('/') ? '' : '/'}${filename}`;
}

function wildcardMatch(pattern: string, text: string): boolean {
  const re = new RegExp('^' + pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$', 'i');
  return re.test(text);
}

/**
 * s->port: the port given in ServerName, else 0. Observed on 2.4.71: neither the main server
 * named without a port nor a `<VirtualHost *:N>` named without one reduces http://itself:N/….
 */
function serverRecPort(r: RequestRec): number {
  const core = r.server.moduleConfig['core_module'] as CoreServerConf | undefined;
  return core?.serverNamePort ?? 0;
}

/** ap_matches_request_vhost: does host:port name the virtual host serving this request? */
export function matchesRequestVhost(r: RequestRec, host: string, port: number): boolean {
  const s = r.server;
  for (const addr of s.addresses) {
    const m = /^(.*?)(?::(\d+|\*))?$/.exec(addr)!;
    const addrHost = m[1]!.replace(/^\[|\]$/g, '');
    const addrPort = m[2] === undefined || m[2] === '*' ? 0 : Number(m[2]);
    if ((addrPort === 0 || port === addrPort) && addrHost.toLowerCase() === host.toLowerCase()) return true;
  }
  if (port !== serverRecPort(r)) return false;
  const lower = host.toLowerCase();
  if (s.serverName !== null && s.serverName.replace(/:\d+$/, '').toLowerCase() === lower) return true;
  return s.serverAliases.some((a) => wildcardMatch(a, lower));
}

/** reduce_uri: strip "http[s]://thishost[:port]" so that the result is a local path. */
function reduceUri(r: RequestRec, conf: RewriteServerConf | undefined): void {
  const filename = r.filename ?? '';
  const scheme = httpScheme(r);
  const l = scheme.length;
  if (!(filename.length > l + 3 && filename.slice(0, l + 3).toLowerCase() === scheme + '://')) return;
  const rest = filename.slice(l + 3);
  const m = /^([^/:]*)(?::([^/]*))?(.*)$/.exec(rest)!;
  const host = m[1]!;
  const defaultPort = r.isHttps ? 443 : 80;
  let port = defaultPort;
  let url = m[3]!;
  if (m[2] !== undefined) {
    const n = /^\d+/.exec(m[2]);
    port = n ? Number(n[0]) & 0xffff : 0;
  }
  if (url === '') url = '/';
  if (matchesRequestVhost(r, host, port)) {
    r.filename = url;
    if (!conf?.options.has('LegacyPrefixDocRoot')) r.notes.set(NOTE_URI_REDUCED, 'true');
  }
}

function forceTypeHandler(rule: RewriteRuleEntry, ctx: RewriteCtx): void {
  const r = ctx.r;
  const lowerAscii = (s: string): string => s.replace(/[A-Z]/g, (c) => c.toLowerCase());
  if (rule.flags.forcedType !== null) {
    const t = expand(rule.flags.forcedType, ctx, rule.flags, false).text;
    if (t !== '') r.notes.set(NOTE_FORCED_TYPE, lowerAscii(t));
  }
  if (rule.flags.forcedHandler !== null) {
    const h = expand(rule.flags.forcedHandler, ctx, rule.flags, false).text;
    if (h !== '') r.notes.set(NOTE_FORCED_HANDLER, lowerAscii(h));
  }
}

/**
 * An [E=…] item as far as its text alone decides it: `!NAME` or `NAME:VALUE` with a literal name
 * (the first ':' of the expanded text is then the first ':' of that literal), the value still to
 * be expanded from the rest of the item's text; null when the name comes from an expansion.
 */
interface EnvItem {
  readonly unset: boolean;
  readonly name: string;
  /** The template of the value (the text after the first ':'); null for `!NAME` or `NAME` alone. */
  readonly value: string | null;
}

const envItems = new Map<string, EnvItem | null>();
const MAX_ENV_ITEMS = 10_000;

function envItemOf(item: string): EnvItem | null {
  let parsed = envItems.get(item);
  if (parsed !== undefined) return parsed;
  parsed = null;
  const head = leadingLiteral(item);
  if (head !== null && head.text[0] !== '!') {
    const colon = head.text.indexOf(':');
    // The literal run is the item's own text up to its first special, so the offsets agree.
    if (colon >= 0) parsed = { unset: false, name: item.slice(0, colon), value: item.slice(colon + 1) };
    else if (head.whole) parsed = { unset: false, name: item, value: null };
  } else if (head !== null && head.whole) {
    parsed = { unset: true, name: item.slice(1), value: null };
  }
  if (envItems.size >= MAX_ENV_ITEMS) envItems.clear();
  envItems.set(item, parsed);
  return parsed;
}

function expandEnv(rule: RewriteRuleEntry, ctx: RewriteCtx): void {
  for (const item of rule.flags.env) {
    const known = envItemOf(item);
    if (known !== null) {
      if (known.unset) ctx.r.env.delete(known.name);
      else ctx.r.env.set(known.name, known.value === null ? '' : expand(known.value, ctx, null, false).text);
      continue;
    }
    const text = expand(item, ctx, null, false).text;
    if (text.startsWith('!')) {
      ctx.r.env.delete(text.slice(1));
      continue;
    }
    const colon = text.indexOf(':');
    if (colon < 0) ctx.r.env.set(text, '');
    else ctx.r.env.set(text.slice(0, colon), text.slice(colon + 1));
  }
}

/** apply_rewrite_rule */
function applyRule(rule: RewriteRuleEntry, ctx: RewriteCtx, pass: PassState, conf: RewriteServerConf | undefined): RuleOutcome {
  const r = ctx.r;
  const f = rule.flags;
  let uri = r.filename ?? '';
  let isProxyReq = false;
  if (ctx.perdir !== null) {
    if (pass.subject !== null && pass.subjectFilename === r.filename && pass.subjectPathInfo === r.pathInfo) {
      uri = pass.subject;
      isProxyReq = pass.subjectIsProxy;
    } else {
      isProxyReq = uri.startsWith('proxy:');
      if (r.pathInfo) uri += r.pathInfo;
      if (!isProxyReq && uri.startsWith(ctx.perdir)) uri = uri.slice(ctx.perdir.length);
      pass.subjectFilename = r.filename;
      pass.subjectPathInfo = r.pathInfo;
      pass.subject = uri;
      pass.subjectIsProxy = isProxyReq;
    }
  }
  ctx.uri = uri;
  const groups = execPcre(rule.regex, uri);
  const matched = (groups !== null) !== f.notMatch;
  if (r.trace !== null) trace(r, `rule ${f.notMatch ? '!' : ''}${rule.pattern} (${rule.where.file}:${rule.where.line}) on '${uri}': ${matched ? 'matched' : 'no match'}`);
  if (!matched) return 'nomatch';

  ctx.varyThis = [];
  ctx.condGroups = null;
  ctx.ruleGroups = f.notMatch ? null : groups;

  for (let i = 0; i < rule.conds.length; i++) {
    let c = rule.conds[i]!;
    const outcome = applyCond(c, ctx);
    if (r.trace !== null) trace(r, `  cond '${c.input}' ('${outcome.input}') ${c.patternText}${c.flags.orNext ? ' [OR]' : ''}: ${outcome.matched}`);
    if (c.flags.noVary) ctx.varyThis = [];
    if (c.flags.orNext) {
      if (!outcome.matched) {
        ctx.varyThis = [];
        continue;
      }
      // True: skip the rest of this OR chain (up to and including its last member).
      while (i < rule.conds.length && c.flags.orNext) c = rule.conds[++i] ?? { ...c, flags: { ...c.flags, orNext: false } };
    } else if (!outcome.matched) {
      return 'nomatch';
    }
    if (ctx.varyThis.length > 0) {
      ctx.vary.push(...ctx.varyThis);
      ctx.varyThis = [];
    }
  }

  let newUri = '';
  if (!f.noSub) {
    const e = expand(rule.output, ctx, f, !f.unsafeAllow3F);
    newUri = e.text;
    if (r.trace !== null) trace(r, `  substitution '${rule.output}' → '${newUri}'`);
    if (e.unsafeQmark === 1) {
      // AH10508: Unsafe URL with %3f URL rewritten without UnsafeAllow3F (CVE-2024-38474).
      pass.status = 403;
      return 'statusSet';
    }
  }

  expandEnv(rule, ctx);
  for (const cookie of f.cookies) addCookie(r, expand(cookie, ctx, null, false).text);

  if (f.noSub) {
    forceTypeHandler(rule, ctx);
    if (f.statusOnly) pass.status = f.forcedStatus;
    return 'nosub';
  }

  let prefixAdded = false;
  if (!isProxyReq && !newUri.startsWith('/') && isAbsoluteUri(newUri).skip === 0) {
    if (ctx.perdir !== null) {
      newUri = ctx.perdir + newUri;
      prefixAdded = true;
    } else if (!(f.proxy || f.redirect)) {
      // 2.4.60 (CVE-2024-39573): never let "$1" turn into a scheme; make it a URL-path.
      newUri = '/' + newUri;
      prefixAdded = true;
    }
  }

  r.filename = newUri;
  if (ctx.perdir !== null && f.discardPathInfo) r.pathInfo = '';
  const split = splitOutQueryArgs(r.filename, r.args, f);
  r.filename = split.filename;
  r.args = split.args;

  if (f.proxy) {
    r.filename = 'proxy:' + fullyQualify(r, r.filename);
    return 'match';
  }
  if (f.redirect) {
    r.filename = fullyQualify(r, r.filename);
    pass.status = f.forcedStatus;
    return 'match';
  }
  reduceUri(r, conf);
  if (isAbsoluteUri(r.filename ?? '').skip > 0) {
    pass.status = f.forcedStatus;
    return 'match';
  }
  if (!(f.unc || prefixAdded) && !(rule.output[0] === '/' && rule.output[1] === '/')) {
    r.filename = (r.filename ?? '').replace(/^\/+/, '/');
  }
  forceTypeHandler(rule, ctx);
  return 'match';
}

/** apply_rewrite_list: one pass over a rule list (a bounded loop; [N] restarts it). */
export function applyRewriteList(r: RequestRec, rules: readonly RewriteRuleEntry[], perdir: string | null): ListResult {
  const conf = r.server.moduleConfig['rewrite_module'] as RewriteServerConf | undefined;
  const ctx: RewriteCtx = { r, uri: null, perdir, ruleGroups: null, condGroups: null, varyThis: [], vary: [] };
  const pass: PassState = { status: r.status, subjectFilename: null, subjectPathInfo: '', subject: null, subjectIsProxy: false };
  let lastSub: RewriteRuleEntry | null = null;
  let changed: ListAction = 'unchanged';
  let round = 1;
  restart: for (;;) {
    for (let i = 0; i < rules.length; i++) {
      const rule = rules[i]!;
      const f = rule.flags;
      if (r.main !== null && (f.noSubreq || f.redirect)) continue;
      ctx.vary = [];
      const rc = applyRule(rule, ctx, pass, conf);
      if (rc === 'nomatch') {
        // A failed rule of a chain skips the rest of the chain, its last member included.
        let p = rule;
        while (i < rules.length && p.flags.chain) p = rules[++i] ?? p;
        if (p.flags.chain) break;
        continue;
      }
      if (!f.noSub) lastSub = rule;
      if ((r.filename ?? '').length > 2 * limitRequestLine(r)) {
        const err = new SgError('SG_ERR_REWRITE_TOO_LONG', { pattern: rule.pattern, uri: r.uri, limit: 2 * limitRequestLine(r) });
        if (r.trace !== null) trace(r, `${err.message} → 500`);
        return { action: 'status', status: 500, lastSub, error: { code: err.code, message: err.message } };
      }
      if (ctx.vary.length > 0) mergeVary(r, ctx.vary);
      if (rc === 'statusSet') {
        const err = new SgError('SG_ERR_REWRITE_UNSAFE_3F');
        return { action: 'statusSet', status: pass.status, lastSub, error: { code: err.code, message: `AH10508: ${err.message}` } };
      }
      if (f.statusOnly) return { action: 'status', status: pass.status, lastSub };
      if (rc !== 'nosub') changed = f.noEscape ? 'noescape' : 'normal';
      if (f.passThrough) {
        r.filename = 'passthrough:' + (r.filename ?? '');
        changed = 'normal';
        break restart;
      }
      if (f.end) {
        r.poolData.set(END_MARKER, true);
        break restart;
      }
      if (f.proxy || f.last) break restart;
      if (f.next) {
        if (++round >= f.maxRounds) {
          // AH02596: exceeded maximum number of rounds via the [N] flag.
          const err = new SgError('SG_ERR_REWRITE_MAX_ROUNDS', { pattern: rule.pattern, uri: r.uri, rounds: f.maxRounds });
          if (r.trace !== null) trace(r, `${err.message} → 500`);
          return { action: 'status', status: 500, lastSub, error: { code: err.code, message: `AH02596: ${err.message}` } };
        }
        continue restart;
      }
      if (f.skip > 0) i = Math.min(rules.length, i + f.skip);
    }
    break;
  }
  return { action: changed, status: pass.status, lastSub };
}
