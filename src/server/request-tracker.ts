/**
 * Follows each request to its end — the response finished or the connection closed first — and
 * then writes its access-log line and metrics once (INTERFACE.md §11). It also counts requests in
 * flight, which the drain on SIGTERM waits for.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RouteDecision } from '../routing/decision';
import type { AccessLogRecord } from './access-log';
import type { GatewayMetrics } from './metrics';
import type { RawRequest } from './raw-request';

export type AccessLogSink = (record: AccessLogRecord) => void;

interface Outcome {
  readonly decision: RouteDecision | null;
  readonly label: string;
}

export class RequestTracker {
  private inFlight = 0;
  private idleWaiters: Array<() => void> = [];
  draining = false;

  constructor(
    private readonly metrics: GatewayMetrics,
    private readonly accessLog: AccessLogSink | null,
  ) {}

  get requestsInFlight(): number {
    return this.inFlight;
  }

  /** Resolves when no request is in flight. */
  whenIdle(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  begin(req: IncomingMessage, res: ServerResponse, raw: RawRequest, outcome: () => Outcome): void {
    const startNs = process.hrtime.bigint();
    const startMs = Date.now();
    const socket = req.socket;
    const writtenBefore = socket.bytesWritten;
    const readBefore = socket.bytesRead;
    let bodyBytes = 0;
    if (this.accessLog) {
      // Count body bytes as they are written (Apache's %B is the body alone, without chunk
      // framing). Only when an access log wants them: this wraps two methods per request.
      const write = res.write;
      const end = res.end;
      const count = (chunk: unknown, encoding: unknown): void => {
        if (typeof chunk === 'string') bodyBytes += Buffer.byteLength(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
        else if (chunk instanceof Uint8Array) bodyBytes += chunk.byteLength;
      };
      res.write = function (this: ServerResponse, chunk: unknown, ...rest: unknown[]): boolean {
        count(chunk, rest[0]);
        return (write as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
      } as ServerResponse['write'];
      res.end = function (this: ServerResponse, chunk?: unknown, ...rest: unknown[]): ServerResponse {
        if (typeof chunk !== 'function') count(chunk, rest[0]);
        return (end as (...args: unknown[]) => ServerResponse).call(this, chunk, ...rest);
      } as ServerResponse['end'];
    }

    this.inFlight++;
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      res.removeListener('finish', finish);
      res.removeListener('close', finish);
      const completed = res.writableEnded;
      const durationNs = Number(process.hrtime.bigint() - startNs);
      const { decision, label } = outcome();
      // A connection cut before the response completed is logged as Apache does: the status it
      // would have had, %X = 'X'.
      const status = res.statusCode;
      this.metrics.requests.inc({ handler: label, status: String(status) });
      this.metrics.duration.observe(durationNs / 1e9, { handler: label });
      const bytesSent = Math.max(0, socket.bytesWritten - writtenBefore);
      this.metrics.responseBytes.inc({}, bytesSent);
      if (this.accessLog) {
        this.accessLog({
          remoteIp: raw.clientIp,
          remotePort: raw.clientPort,
          localIp: raw.localIp,
          localPort: raw.localPort,
          method: raw.method,
          rawTarget: raw.rawTarget,
          protocol: `HTTP/${raw.httpVersion}`,
          // A failed ErrorDocument logs its own request's status as %>s (Apache's last request),
          // while the client got the first error's (%s).
          status: decision?.kind === 'status' && decision.loggedStatus !== undefined ? decision.loggedStatus : status,
          originalStatus: status,
          requestHeaders: raw.headers,
          responseHeader: (name) => {
            const v = res.getHeader(name);
            return v === undefined ? undefined : Array.isArray(v) ? v.join(', ') : String(v);
          },
          env: decision?.env ?? new Map(),
          bodyBytes: req.method === 'HEAD' ? 0 : bodyBytes,
          bytesSent,
          bytesReceived: Math.max(0, socket.bytesRead - readBefore),
          startMs,
          durationUs: durationNs / 1000,
          serverName: decision?.serverName ?? hostName(raw),
          uriPath: decision?.uri ?? pathOf(raw.rawTarget),
          query: decision ? decision.query : queryOf(raw.rawTarget),
          filename: decision?.filename ?? null,
          handler: decision?.handler ?? null,
          remoteUser: basicAuthUser(raw.headers),
          connectionStatus: !completed ? 'X' : res.getHeader('connection') === 'close' || !res.shouldKeepAlive ? '-' : '+',
        });
      }
      this.inFlight--;
      if (this.inFlight === 0 && this.idleWaiters.length > 0) {
        const waiters = this.idleWaiters;
        this.idleWaiters = [];
        for (const resolve of waiters) resolve();
      }
    };
    res.once('finish', finish);
    res.once('close', finish);
  }
}

function hostName(raw: RawRequest): string {
  for (const [k, v] of raw.headers) if (k.toLowerCase() === 'host') return v.replace(/:\d+$/, '');
  return raw.localIp;
}

function pathOf(target: string): string {
  const q = target.indexOf('?');
  return q < 0 ? target : target.slice(0, q);
}

function queryOf(target: string): string | null {
  const q = target.indexOf('?');
  return q < 0 ? null : target.slice(q + 1);
}

/** %u: the user of Basic credentials (never the password). */
function basicAuthUser(headers: ReadonlyArray<readonly [string, string]>): string | null {
  for (const [k, v] of headers) {
    if (k.toLowerCase() !== 'authorization') continue;
    const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(v);
    if (!m) return null;
    const decoded = Buffer.from(m[1]!, 'base64').toString('latin1');
    const colon = decoded.indexOf(':');
    return colon < 0 ? null : decoded.slice(0, colon);
  }
  return null;
}
