/**
 * Forwarding one request to a backend with undici 7 (STYLE.md §2): one keep-alive pool per origin
 * (an `Agent` creates them on demand, `connections` each); request and response bodies stream with
 * backpressure both ways so a large body is never buffered (the request body as a stream undici
 * writes, the response through src/proxy/proxy-exchange.ts); a client that goes away aborts the
 * backend request (its connection is discarded, not returned to the pool half-read).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Agent, Client } from 'undici';
import type { Dispatcher } from 'undici';
import type { HeaderList } from '../routing/decision';
import { BodyLimit } from './body-limit';
import { forwardRequestHeaders, type ForwardingFacts } from './forward-headers';
import { ProxyExchange, type ExchangeOutput, type ProxyFailure, type ProxyOverride } from './proxy-exchange';
import type { ReverseRule } from './location-rewrite';

export interface ProxySettings {
  readonly connectTimeoutMs: number;
  readonly headersTimeoutMs: number;
  readonly bodyTimeoutMs: number;
  /** Keep-alive pool size per origin. */
  readonly connections: number;
  readonly preserveHost: boolean;
  /** LimitRequestBody; 0 = unlimited. */
  readonly bodyLimitBytes: number;
}

/** Where to send one request: `origin` = `http://host:port`, `path` = origin-form target as sent. */
export interface ProxyTarget {
  readonly origin: string;
  readonly path: string;
}

export interface ProxyRequestContext {
  readonly method: string;
  readonly httpVersion: string;
  /** The decision's request headers (after RequestHeader edits). */
  readonly requestHeaders: HeaderList;
  readonly clientIp: string;
  readonly remainingForwardedFor: readonly string[];
  readonly isHttps: boolean;
  readonly clientHost: string | null;
  /** Headers the configuration adds to the response (mod_headers …), applied over the backend's. */
  readonly responseHeaders: HeaderList;
  readonly reverseRules: readonly ReverseRule[];
  /** `http://host` as the client addressed us, for ProxyPassReverse. */
  readonly clientOrigin: string;
  /** False for a request without the client's body (an ErrorDocument page fetched with GET). */
  readonly sendBody?: boolean;
  /**
   * The status to send when the backend answers 200: an ErrorDocument page run by the legacy host
   * (PHP …) is a handler of the error's request in Apache, so it keeps the error's status.
   */
  readonly statusInsteadOf200?: number;
  /** The status to send whatever the backend's (a proxied ErrorDocument page under ProxyErrorOverride). */
  readonly statusInsteadOfAny?: number;
  /** ProxyErrorOverride: the backend statuses the gateway answers itself ([] = every 4xx/5xx). */
  readonly errorOverride?: readonly number[];
}

export type { ProxyFailure, ProxyOverride } from './proxy-exchange';

/** Splits an absolute URL into origin and the target exactly as written (no re-canonicalising). */
export function splitAbsoluteUrl(url: string): ProxyTarget | null {
  const m = /^(https?:\/\/[^/?#]+)([^#]*)/i.exec(url);
  if (!m) return null;
  const path = m[2] === '' ? '/' : m[2]!.startsWith('?') ? `/${m[2]}` : m[2]!;
  return { origin: m[1]!.toLowerCase(), path };
}

/** mod_proxy's ap_proxy_should_override: a listed status, or with no list any 4xx/5xx. */
export function overridePredicate(codes: readonly number[]): (status: number) => boolean {
  return codes.length === 0 ? (status) => status >= 400 && status < 600 : (status) => codes.includes(status);
}

export function requestHasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  if (length !== undefined) return length !== '0';
  return req.headers['transfer-encoding'] !== undefined;
}

/**
 * A pooled keep-alive connection the backend closes while idle can carry our next request just as
 * the close arrives: the request fails with a reset and no answer, though the backend is healthy.
 * RFC 9112 §9.3.1 lets a client retry then when the method is idempotent (RFC 9110 §9.2.2); a
 * proxy must not retry others. We retry once, on a new connection, only body-less safe methods,
 * only when the backend sent nothing back — a backend that resets every request still gets its 502
 * after the second try.
 */
const RETRYABLE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function isStaleConnection(failure: ProxyFailure): boolean {
  return failure.reason === 'reset' && failure.beforeBackendAnswer && failure.beforeHeaders;
}

export class BackendProxy {
  private readonly agent: Agent;
  /** `host:port` of each origin (URL parsing per request is measurable). */
  private readonly hosts = new Map<string, string>();

  constructor(
    private readonly settings: ProxySettings,
    dispatcher?: Agent,
  ) {
    this.agent =
      dispatcher ??
      new Agent({
        connections: settings.connections,
        connect: { timeout: settings.connectTimeoutMs },
        headersTimeout: settings.headersTimeoutMs,
        bodyTimeout: settings.bodyTimeoutMs,
        // Apache's KeepAliveTimeout is 5 s; a backend closes idle sockets after that, so we drop
        // ours a little earlier rather than race its close with a new request.
        keepAliveTimeout: 4_000,
        keepAliveMaxTimeout: 600_000,
      });
  }

  /**
   * Forwards `req` and streams the answer into `res`. Resolves null when the exchange completed,
   * or a ProxyFailure the caller logs and, when `beforeHeaders`, answers with 502/504/413.
   *
   * The response side uses undici's dispatch-handler contract directly (`onResponseData` →
   * `res.write`; `controller.pause()` when `res.write` reports a full buffer, `resume()` on
   * 'drain'), which is backpressure by the book without a stream in between: `stream/promises`
   * `pipeline()` costs an AbortController and a DOMException per request in Node 20 (measured
   * about a tenth of the proxy's CPU in bench/proxy). The request body is handed to undici as a
   * stream, which it writes with the same pause/resume discipline.
   */
  /** Null when the backend's answer went to the client; else why not (a failure, or ProxyErrorOverride). */
  forward(target: ProxyTarget, ctx: ProxyRequestContext, req: IncomingMessage, res: ServerResponse): Promise<ProxyFailure | ProxyOverride | null> {
    const url = target.origin + target.path;
    const facts: ForwardingFacts = {
      clientIp: ctx.clientIp,
      remainingForwardedFor: ctx.remainingForwardedFor,
      isHttps: ctx.isHttps,
      clientHost: ctx.clientHost,
      backendHost: this.hostOf(target.origin),
      preserveHost: this.settings.preserveHost,
    };
    const headers = forwardRequestHeaders(ctx.requestHeaders, facts, ctx.httpVersion);
    const flatHeaders: string[] = [];
    for (const [name, value] of headers) flatHeaders.push(name, value);
    let body: Dispatcher.DispatchOptions['body'] = null;
    if (ctx.sendBody !== false && requestHasBody(req)) {
      body = this.settings.bodyLimitBytes > 0 && req.headers['content-length'] === undefined ? req.pipe(new BodyLimit(this.settings.bodyLimitBytes)) : req;
    }
    const output: ExchangeOutput = {
      responseHeaders: ctx.responseHeaders,
      reverseRules: ctx.reverseRules,
      clientOrigin: ctx.clientOrigin,
      applyResponseHeaders,
      ...(ctx.statusInsteadOf200 !== undefined ? { statusInsteadOf200: ctx.statusInsteadOf200 } : {}),
      ...(ctx.statusInsteadOfAny !== undefined ? { statusInsteadOfAny: ctx.statusInsteadOfAny } : {}),
      ...(ctx.errorOverride !== undefined ? { overrides: overridePredicate(ctx.errorOverride) } : {}),
    };
    const retryable = body === null && RETRYABLE_METHODS.has(ctx.method);
    const options: Dispatcher.DispatchOptions = { origin: target.origin, path: target.path, method: ctx.method as Dispatcher.HttpMethod, headers: flatHeaders, body };
    return new Promise((resolve) => {
      const first = new ProxyExchange(url, res, output, (outcome) => {
        if (outcome && 'reason' in outcome && retryable && isStaleConnection(outcome) && !res.destroyed) this.retryOnFreshConnection(options, url, res, output, resolve);
        else resolve(outcome);
      });
      try {
        this.agent.dispatch(options, first);
      } catch (err) {
        first.fail(err);
      }
    });
  }

  /**
   * The one retry of a request that met a stale pooled connection goes out on a connection of its
   * own: the pool may hold more connections the backend has already closed (several were idle
   * together), and the retry must not draw another of them.
   */
  private retryOnFreshConnection(
    options: Dispatcher.DispatchOptions,
    url: string,
    res: ServerResponse,
    output: ExchangeOutput,
    resolve: (outcome: ProxyFailure | ProxyOverride | null) => void,
  ): void {
    const client = new Client(options.origin!, {
      connect: { timeout: this.settings.connectTimeoutMs },
      headersTimeout: this.settings.headersTimeoutMs,
      bodyTimeout: this.settings.bodyTimeoutMs,
    });
    const retry = new ProxyExchange(url, res, output, (failure) => {
      // Done with it either way: its socket must not outlive the exchange (close lets undici
      // finish the request it is completing; a failed one is torn down).
      void (failure ? client.destroy() : client.close()).catch(() => undefined);
      resolve(failure);
    });
    try {
      client.dispatch(options, retry);
    } catch (err) {
      retry.fail(err);
    }
  }

  private hostOf(origin: string): string {
    let host = this.hosts.get(origin);
    if (host === undefined) {
      host = new URL(origin).host;
      if (this.hosts.size < 1024) this.hosts.set(origin, host);
    }
    return host;
  }

  /** Closes every pooled connection once its request completes. */
  async close(): Promise<void> {
    await this.agent.close();
  }

  /** Closes every pooled connection now, failing what is still in flight. */
  async destroy(): Promise<void> {
    await this.agent.destroy();
  }
}


/**
 * Configured response headers (the decision's, already merged by the routing core) over what the
 * handler or backend set: every name listed replaces the earlier value, repeated names add up, the
 * way `Header set` followed by `Header add` reads.
 */
export function applyResponseHeaders(res: ServerResponse, headers: HeaderList): void {
  if (headers.length === 0) return;
  const seen = new Set<string>();
  for (const [name, value] of headers) {
    const lower = name.toLowerCase();
    if (!seen.has(lower)) {
      seen.add(lower);
      res.setHeader(name, value);
    } else {
      const prev = res.getHeader(name);
      res.setHeader(name, Array.isArray(prev) ? [...prev, value] : prev === undefined ? value : [String(prev), value]);
    }
  }
}
