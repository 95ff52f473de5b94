/**
 * One request from head to last byte: limits → RawRequest (with mod_remoteip) → decide() → carry
 * out the decision as INTERFACE.md §4's table "what serve does" says → access log and metrics.
 *
 * Every path is guarded: a handler's rejected promise becomes a 500 page when no header went out,
 * else the connection is cut (a client must never take a truncated body for a whole one); the
 * process never crashes on a request.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { Logger } from 'pino';
import { SgError, isSgError } from '../errors';
import type { LimitSettings } from '../config/smoothgate-yaml';
import type { FileDecision, HandlerDecision, RouteDecision } from '../routing/decision';
import { applyResponseHeaders, overridePredicate, splitAbsoluteUrl, type BackendProxy, type ProxyTarget } from '../proxy/backend-proxy';
import type { ReverseRule } from '../proxy/location-rewrite';
import type { BackendErrorReason } from '../proxy/proxy-errors';
import type { Decide, HandlerTable, RawRequest, StaticSender } from './raw-request';
import { handlerKey } from './raw-request';
import { checkRequestHead } from './request-limits';
import { sendErrorPage } from './respond';
import { sendErrorDocumentFile } from './error-document-file';
import { TrustedProxies, normalizeIp, type ClientAddress } from './trusted-proxies';
import type { GatewayMetrics } from './metrics';
import { RequestTracker } from './request-tracker';
import { withNativePaths } from './native-paths';
import { decisionLabel, isStaticHandler } from './decision-kinds';

export interface BackendTarget {
  /** `http://host:port`. */
  readonly origin: string;
  /** The backend URL's path without its trailing slash ('' for `/`). */
  readonly basePath: string;
  readonly sendOriginalUrl: boolean;
}

export interface PipelineDeps {
  /** The current routing core (swapped by reload). */
  readonly decide: () => Decide;
  readonly handlers: HandlerTable;
  readonly staticSender: StaticSender;
  /** The proxy (always present: `[P]`/ProxyPass targets are proxied even without `backend`). */
  readonly proxy: BackendProxy;
  /** `backend.url`, or null when files are served locally. */
  readonly backend: BackendTarget | null;
  readonly serveStaticLocally: boolean;
  readonly trustedProxies: TrustedProxies;
  readonly limits: LimitSettings;
  readonly reverseRules: () => readonly ReverseRule[];
  readonly logger: Logger;
  readonly metrics: GatewayMetrics;
  readonly tracker: RequestTracker;
  readonly version: string;
}

/** The facts of one request every step needs. */
interface Exchange {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly raw: RawRequest;
  readonly client: ClientAddress;
  decision: RouteDecision | null;
  label: string;
}

/** The client's request-target in origin-form (absolute-form's path and query; `*` kept). */
export function originForm(rawTarget: string): string {
  if (rawTarget.startsWith('/') || rawTarget === '*') return rawTarget;
  const m = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*([^#]*)/i.exec(rawTarget);
  if (!m) return rawTarget;
  return m[1] === '' ? '/' : m[1]!.startsWith('?') ? `/${m[1]}` : m[1]!;
}

/** A decoded path made safe for a request line again (`%`, `?`, `#`, spaces, non-ASCII escaped). */
export function encodePath(path: string): string {
  return encodeURI(path).replace(/[?#]/g, (c) => (c === '?' ? '%3F' : '%23'));
}

export function rawRequestOf(req: IncomingMessage, client: ClientAddress, isTlsListener: boolean): RawRequest {
  const headers: Array<[string, string]> = [];
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) headers.push([raw[i]!, raw[i + 1]!]);
  const socket = req.socket;
  return {
    method: req.method ?? 'GET',
    rawTarget: req.url ?? '/',
    httpVersion: req.httpVersion,
    headers,
    clientIp: client.clientIp,
    clientPort: socket.remotePort ?? 0,
    localIp: normalizeIp(socket.localAddress ?? ''),
    localPort: socket.localPort ?? 0,
    isHttps: isTlsListener || client.forwardedProto === 'https',
  };
}

export class RequestPipeline {
  constructor(private readonly deps: PipelineDeps) {}

  /** The `request` listener. Never throws, never leaves a promise unhandled. */
  handle(req: IncomingMessage, res: ServerResponse): void {
    this.run(req, res).catch((err: unknown) => this.fail(req, res, err, 'pipeline'));
  }

  private async run(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { deps } = this;
    const isTls = (req.socket as TLSSocket).encrypted === true;
    const client = deps.trustedProxies.resolve(
      req.socket.remoteAddress ?? '',
      joinHeader(req.headers['x-forwarded-for']),
      joinHeader(req.headers['x-forwarded-proto']),
    );
    const raw = rawRequestOf(req, client, isTls);
    const exchange: Exchange = { req, res, raw, client, decision: null, label: 'limits' };
    deps.tracker.begin(req, res, raw, () => ({ decision: exchange.decision, label: exchange.label }));
    if (deps.tracker.draining) res.setHeader('Connection', 'close');

    const limitError = checkRequestHead(req, deps.limits);
    if (limitError) {
      this.logRequestError(limitError, raw);
      // The body (if any) is left unread: close, rather than read a body we refused.
      sendErrorPage(req, res, limitError.httpStatus ?? 400, [], { close: true });
      return;
    }

    let decision: RouteDecision;
    try {
      decision = deps.decide()(raw);
    } catch (err) {
      exchange.label = 'error';
      throw new SgError('SG_ERR_SERVER_ROUTING', { reason: err instanceof Error ? err.message : String(err) }, { cause: err });
    }
    exchange.decision = decision;
    exchange.label = decisionLabel(decision, deps.handlers);
    await this.carryOut(exchange, decision);
  }

  private async carryOut(x: Exchange, decision: RouteDecision): Promise<void> {
    const { req, res } = x;
    switch (decision.kind) {
      case 'redirect':
        applyResponseHeaders(res, decision.headers);
        sendErrorPage(req, res, decision.status, [], { location: decision.location });
        return;
      case 'status':
        if (decision.status >= 400) this.deps.logger[decision.status >= 500 ? 'error' : 'warn']({ status: decision.status, reason: decision.reason, uri: decision.uri }, 'request refused');
        applyResponseHeaders(res, decision.headers);
        sendErrorPage(req, res, decision.status, decision.statusHeaders, { additionalError: decision.additionalError, customBody: decision.customBody });
        return;
      case 'auth':
        this.deps.logger.info({ status: 401, reason: decision.reason, uri: decision.uri }, 'authentication required');
        applyResponseHeaders(res, decision.headers);
        sendErrorPage(req, res, 401, [['WWW-Authenticate', decision.challenge]], { customBody: decision.customBody });
        return;
      case 'proxy': {
        const target = splitTarget(decision.target);
        await this.proxyTo(x, target, decision);
        return;
      }
      case 'handler':
        await this.handler(x, decision);
        return;
      case 'file':
        await this.file(x, decision);
        return;
    }
  }

  private async handler(x: Exchange, decision: HandlerDecision): Promise<void> {
    const fn = this.deps.handlers.get(handlerKey(decision.handlerName));
    if (fn) {
      x.res.setHeader('X-Smoothgate', this.deps.version);
      applyResponseHeaders(x.res, decision.headers);
      const refusal = await fn(withNativePaths(decision), x.req, x.res);
      if (refusal) await this.answerHandlerError(x, decision, refusal.status, refusal.reason, false, () => refusal.send());
      return;
    }
    // A handler we do not have: the legacy host runs it (PHP, CGI, …); without one it is refused,
    // never served as source (INTERFACE.md §4 last row; SPEC-NOTES §4.8 trap 31).
    if (this.deps.backend) {
      await this.proxyTo(x, this.backendTarget(x.raw, decision), decision);
      return;
    }
    if (isStaticHandler(decision.handlerName)) {
      const asFile: FileDecision = { ...decision, kind: 'file' };
      await this.sendStatic(x, asFile);
      return;
    }
    await this.refuseScript(x, decision, decision.handlerName, decision.path);
  }

  private async file(x: Exchange, decision: FileDecision): Promise<void> {
    const isStatic = decision.handler === null || isStaticHandler(decision.handler);
    // A static ErrorDocument page is sent from here with the error's status even with a backend:
    // the backend would answer a GET of the page with 200 (the routing core saw the file exists).
    const local = isStatic && (this.deps.serveStaticLocally || decision.errorStatus !== undefined);
    if (this.deps.backend && !local) {
      await this.proxyTo(x, this.backendTarget(x.raw, decision), decision);
      return;
    }
    if (!isStatic) {
      await this.refuseScript(x, decision, decision.handler!, decision.path);
      return;
    }
    await this.sendStatic(x, decision);
  }

  private async sendStatic(x: Exchange, decision: FileDecision): Promise<void> {
    applyResponseHeaders(x.res, decision.headers);
    if (decision.errorStatus !== undefined) {
      await sendErrorDocumentFile(withNativePaths(decision), decision.errorStatus, x.req, x.res);
      return;
    }
    await this.deps.staticSender(withNativePaths(decision), x.req, x.res);
  }

  private async refuseScript(x: Exchange, decision: RouteDecision, handler: string, path: string): Promise<void> {
    x.label = 'refused';
    const err = new SgError('SG_ERR_SERVER_SCRIPT_REFUSED', { handler, path });
    this.deps.logger.warn({ code: err.code, handler, path, uri: x.raw.rawTarget }, err.message);
    await this.answerHandlerError(x, decision, 403, err.message);
  }

  /**
   * A status our own handler step ended in (a refused script, the proxy's 502/504) goes through
   * ErrorDocument as Apache's handlers' statuses go through ap_die_r. When the failing request was
   * itself an ErrorDocument page, Apache's page for the first error says "Additionally, a …".
   */
  private async answerHandlerError(
    x: Exchange,
    decision: RouteDecision,
    status: number,
    reason: string,
    close = false,
    ownPage: () => Promise<void> = async () => sendErrorPage(x.req, x.res, status, [], { close }),
    firstError = false,
  ): Promise<void> {
    const { res } = x;
    if (close) res.setHeader('Connection', 'close');
    // The routing core replays the request to the record that reached the handler (an
    // ErrorDocument page's own, where it fails recursively) and dies there.
    const next = this.deps.decide().handlerError?.(x.raw, status, reason, { firstError });
    // No ErrorDocument for this status: the step's own page.
    if (next === undefined || (next.kind === 'status' && next.status === status && next.customBody === undefined && next.additionalError === undefined)) {
      await ownPage();
      return;
    }
    await this.carryOut(x, next);
  }

  /**
   * `backend.url` + the client's URL (sendOriginalUrl) or the rewritten one (INTERFACE.md §3); an
   * ErrorDocument page is always asked for by its own URL.
   */
  private backendTarget(raw: RawRequest, decision: RouteDecision): ProxyTarget {
    const backend = this.deps.backend!;
    const path = backend.sendOriginalUrl && decision.errorStatus === undefined
      ? originForm(raw.rawTarget)
      : encodePath(decision.uri) + (decision.query !== null ? `?${decision.query}` : '');
    return { origin: backend.origin, path: backend.basePath + path };
  }

  private async proxyTo(x: Exchange, target: ProxyTarget, decision: RouteDecision): Promise<void> {
    const { req, res, raw, client } = x;
    const clientHost = headerOf(raw.headers, 'host');
    const responseHeaders = decision.headers;
    // An ErrorDocument page is fetched with GET and without the failed request's body (ap_die_r).
    const errorPage = decision.errorStatus !== undefined;
    const requestHeaders = errorPage ? decision.requestHeaders.filter(([k]) => !BODY_HEADERS.has(k.toLowerCase())) : decision.requestHeaders;
    const failure = await this.deps.proxy.forward(
      target,
      {
        method: errorPage ? 'GET' : raw.method,
        sendBody: !errorPage,
        // [P]/ProxyPass pages come with the backend's status, as mod_proxy sends them — unless
        // ProxyErrorOverride covers the error's status (mod_proxy_http keeps original_status then);
        // a page the legacy host runs as a handler keeps the error's.
        ...(errorPage && decision.kind !== 'proxy' ? { statusInsteadOf200: decision.errorStatus } : {}),
        ...(decision.kind === 'proxy' && decision.errorOverride !== undefined
          ? {
              errorOverride: decision.errorOverride,
              ...(errorPage && overridePredicate(decision.errorOverride)(decision.errorStatus!) ? { statusInsteadOfAny: decision.errorStatus } : {}),
            }
          : {}),
        httpVersion: raw.httpVersion,
        requestHeaders,
        clientIp: client.clientIp,
        remainingForwardedFor: client.remainingForwardedFor,
        isHttps: raw.isHttps,
        clientHost,
        responseHeaders,
        reverseRules: this.deps.reverseRules(),
        clientOrigin: `${raw.isHttps ? 'https' : 'http'}://${clientHost ?? `${raw.localIp}:${raw.localPort}`}`,
      },
      req,
      res,
    );
    if (!failure) return;
    if ('overriddenStatus' in failure) {
      // mod_proxy_http sets r->status back to 200 first: a first error even for an ErrorDocument page.
      await this.answerHandlerError(x, decision, failure.overriddenStatus, `ProxyErrorOverride: the backend answered ${failure.overriddenStatus}`, false, undefined, true);
      return;
    }
    this.countBackendError(failure.reason);
    if (failure.reason === 'client_abort') {
      this.deps.logger.debug({ code: failure.error.code, uri: raw.rawTarget }, failure.error.message);
      res.destroy();
      return;
    }
    const status = failure.error.httpStatus ?? 502;
    this.deps.logger[status >= 500 ? 'error' : 'warn'](
      { code: failure.error.code, reason: failure.reason, uri: raw.rawTarget, backend: target.origin, cause: causeText(failure.error) },
      failure.error.message,
    );
    if (failure.beforeHeaders && !res.headersSent && !res.destroyed) {
      await this.answerHandlerError(x, decision, status, failure.error.message, status === 413);
    } else {
      // The head went out with the backend's status: a cut connection tells the client the body
      // is incomplete (RFC 9112 §8), a completed short body would not.
      res.destroy();
    }
  }

  private countBackendError(reason: BackendErrorReason): void {
    this.deps.metrics.backendErrors.inc({ reason });
  }

  private logRequestError(err: SgError, raw: RawRequest): void {
    this.deps.logger.warn({ code: err.code, client: raw.clientIp, method: raw.method }, err.message);
  }

  /** Last resort for anything that escaped a step: 500 before headers, else cut the connection. */
  private fail(req: IncomingMessage, res: ServerResponse, err: unknown, step: string): void {
    const sg = isSgError(err) ? err : new SgError('SG_ERR_SERVER_HANDLER', { handler: step, reason: err instanceof Error ? err.message : String(err) }, { cause: err });
    this.deps.logger.error({ code: sg.code, uri: req.url, err: err instanceof Error ? { message: err.message, stack: err.stack } : String(err) }, sg.message);
    try {
      if (!res.headersSent && !res.destroyed) {
        for (const name of res.getHeaderNames()) res.removeHeader(name);
        sendErrorPage(req, res, sg.httpStatus && sg.httpStatus >= 400 ? sg.httpStatus : 500, [], { close: true });
      } else res.destroy();
    } catch {
      res.destroy();
    }
  }
}

/** Request header fields that describe a body. */
const BODY_HEADERS = new Set(['content-length', 'transfer-encoding', 'content-type', 'content-encoding']);

function splitTarget(target: string): ProxyTarget {
  const split = splitAbsoluteUrl(target);
  if (!split) throw new SgError('SG_ERR_PROXY_PROTOCOL', { url: target, reason: 'not an absolute http(s) URL' });
  return split;
}

function joinHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

function headerOf(headers: ReadonlyArray<readonly [string, string]>, name: string): string | null {
  for (const [k, v] of headers) if (k.toLowerCase() === name) return v;
  return null;
}

function causeText(err: SgError): string | undefined {
  const cause = err.cause;
  return cause instanceof Error ? `${cause.name}: ${cause.message}` : cause === undefined ? undefined : String(cause);
}
