/**
 * Forwarding one request to a backend with undici 7 (STYLE.md §2): one keep-alive pool per origin
 * (an `Agent` creates them on demand, `connections` each), request and response bodies streamed
 * through `stream/promises` `pipeline()` so backpressure holds both ways and a large body is never
 * buffered, and a client that goes away aborts the backend request (its connection is discarded,
 * not returned to the pool half-read).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { Agent } from 'undici';
import type { Dispatcher } from 'undici';
import type { HeaderList } from '../routing/decision';
import { BodyLimit } from './body-limit';
import { forwardRequestHeaders, forwardResponseHeaders, type ForwardingFacts } from './forward-headers';
import { REVERSE_MAPPED_HEADERS, rewriteLocation, type ReverseRule } from './location-rewrite';
import { translateProxyError, type BackendErrorReason } from './proxy-errors';
import type { SgError } from '../errors';

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
}

export interface ProxyFailure {
  readonly error: SgError;
  readonly reason: BackendErrorReason;
  /** False when the response head had already gone out: the connection was cut instead. */
  readonly beforeHeaders: boolean;
}

/** Splits an absolute URL into origin and the target exactly as written (no re-canonicalising). */
export function splitAbsoluteUrl(url: string): ProxyTarget | null {
  const m = /^(https?:\/\/[^/?#]+)([^#]*)/i.exec(url);
  if (!m) return null;
  const path = m[2] === '' ? '/' : m[2]!.startsWith('?') ? `/${m[2]}` : m[2]!;
  return { origin: m[1]!.toLowerCase(), path };
}

export function requestHasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  if (length !== undefined) return length !== '0';
  return req.headers['transfer-encoding'] !== undefined;
}

export class BackendProxy {
  private readonly agent: Agent;

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
   */
  async forward(target: ProxyTarget, ctx: ProxyRequestContext, req: IncomingMessage, res: ServerResponse): Promise<ProxyFailure | null> {
    const url = `${target.origin}${target.path}`;
    const abort = new AbortController();
    const onClose = (): void => {
      if (!res.writableFinished) abort.abort();
    };
    res.once('close', onClose);
    const facts: ForwardingFacts = {
      clientIp: ctx.clientIp,
      remainingForwardedFor: ctx.remainingForwardedFor,
      isHttps: ctx.isHttps,
      clientHost: ctx.clientHost,
      backendHost: new URL(target.origin).host,
      preserveHost: this.settings.preserveHost,
    };
    const headers = forwardRequestHeaders(ctx.requestHeaders, facts, ctx.httpVersion);
    let body: Dispatcher.DispatchOptions['body'] = null;
    if (requestHasBody(req)) {
      body = this.settings.bodyLimitBytes > 0 && req.headers['content-length'] === undefined ? req.pipe(new BodyLimit(this.settings.bodyLimitBytes)) : req;
    }
    let headSent = false;
    try {
      const response = await this.agent.request({
        origin: target.origin,
        path: target.path,
        method: ctx.method as Dispatcher.HttpMethod,
        headers: headers.flat(),
        body,
        signal: abort.signal,
      });
      res.statusCode = response.statusCode;
      for (const [name, value] of forwardResponseHeaders(response.headers)) {
        if (REVERSE_MAPPED_HEADERS.has(name) && typeof value === 'string' && ctx.reverseRules.length > 0) {
          res.setHeader(name, rewriteLocation(value, ctx.reverseRules, ctx.clientOrigin));
        } else res.setHeader(name, value);
      }
      applyResponseHeaders(res, ctx.responseHeaders);
      headSent = true;
      await pipeline(response.body, res);
      return null;
    } catch (err) {
      const { error, reason } = translateProxyError(err, url);
      return { error, reason, beforeHeaders: !headSent && !res.headersSent };
    } finally {
      res.removeListener('close', onClose);
    }
  }

  /** Closes every pooled connection (drain, reload of the backend list). */
  async close(): Promise<void> {
    await this.agent.close();
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
