/**
 * Requests with `Upgrade` (WebSocket, RFC 6455 §4.1; RFC 9110 §7.8). Node hands them to the
 * 'upgrade' event with the raw socket. A request the routing core sends to a backend (`proxy`, or a
 * `file`/foreign handler with `backend`) becomes a byte tunnel (src/proxy/upgrade-tunnel.ts); any
 * other decision is answered as a normal request on that socket, without switching protocols —
 * what Apache without mod_proxy_wstunnel does — and the connection then closes.
 */
import { ServerResponse, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import type { Logger } from 'pino';
import type { RouteDecision } from '../routing/decision';
import { splitAbsoluteUrl, type ProxyTarget } from '../proxy/backend-proxy';
import { openUpgradeTunnel } from '../proxy/upgrade-tunnel';
import type { Decide } from './raw-request';
import { encodePath, originForm, rawRequestOf, type BackendTarget, type RequestPipeline } from './request-pipeline';
import { rawErrorResponse } from './respond';
import type { TrustedProxies } from './trusted-proxies';
import type { GatewayMetrics } from './metrics';

export interface UpgradeDeps {
  readonly decide: () => Decide;
  readonly backend: BackendTarget | null;
  readonly serveStaticLocally: boolean;
  readonly trustedProxies: TrustedProxies;
  readonly pipeline: RequestPipeline;
  readonly connectTimeoutMs: number;
  readonly preserveHost: boolean;
  readonly logger: Logger;
  readonly metrics: GatewayMetrics;
}

export class UpgradeHandler {
  constructor(private readonly deps: UpgradeDeps) {}

  handle(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.run(req, socket, head).catch((err: unknown) => {
      this.deps.logger.error({ err: err instanceof Error ? err.message : String(err), uri: req.url }, 'upgrade failed');
      socket.destroy();
    });
  }

  private async run(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const { deps } = this;
    socket.on('error', () => socket.destroy());
    const isTls = (socket as TLSSocket).encrypted === true;
    const client = deps.trustedProxies.resolve(req.socket.remoteAddress ?? '', joined(req.headers['x-forwarded-for']), joined(req.headers['x-forwarded-proto']));
    const raw = rawRequestOf(req, client, isTls);
    const decision = deps.decide()(raw);
    const target = this.tunnelTarget(decision, raw.rawTarget);
    if (!target) {
      this.answerPlainly(req, socket);
      return;
    }
    let host: string | null = null;
    for (const [k, v] of raw.headers) if (k.toLowerCase() === 'host') host = v;
    try {
      await openUpgradeTunnel(
        target,
        {
          method: raw.method,
          httpVersion: raw.httpVersion,
          requestHeaders: decision.requestHeaders,
          facts: {
            clientIp: client.clientIp,
            remainingForwardedFor: client.remainingForwardedFor,
            isHttps: raw.isHttps,
            clientHost: host,
            preserveHost: deps.preserveHost,
          },
          connectTimeoutMs: deps.connectTimeoutMs,
        },
        socket,
        head,
      );
      deps.metrics.requests.inc({ handler: 'upgrade', status: '101' });
    } catch (err) {
      const code = (err as { code?: string }).code ?? 'SG_ERR_PROXY_UPGRADE';
      deps.metrics.backendErrors.inc({ reason: 'connect' });
      deps.metrics.requests.inc({ handler: 'upgrade', status: '502' });
      deps.logger.error({ code, backend: target.origin, uri: raw.rawTarget, err: (err as Error).message }, 'upgrade tunnel to the backend failed');
      if (socket.writable) socket.end(rawErrorResponse(502, raw.method));
      else socket.destroy();
    }
  }

  private tunnelTarget(decision: RouteDecision, rawTarget: string): ProxyTarget | null {
    if (decision.kind === 'proxy') return splitAbsoluteUrl(decision.target);
    const backend = this.deps.backend;
    if (!backend) return null;
    if (decision.kind === 'handler' || (decision.kind === 'file' && !(this.deps.serveStaticLocally && decision.handler === null))) {
      const path = backend.sendOriginalUrl ? originForm(rawTarget) : encodePath(decision.uri) + (decision.query !== null ? `?${decision.query}` : '');
      return { origin: backend.origin, path: backend.basePath + path };
    }
    return null;
  }

  /** Runs the ordinary pipeline with a response bound to this socket, then closes it. */
  private answerPlainly(req: IncomingMessage, socket: Duplex): void {
    const res = new ServerResponse(req);
    res.shouldKeepAlive = false;
    res.assignSocket(socket as Socket);
    res.once('finish', () => {
      res.detachSocket(socket as Socket);
      socket.end();
    });
    this.deps.pipeline.handle(req, res);
  }
}

function joined(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}
