/**
 * One listening address: a `net` server that accepts, and an http (or https) server that parses.
 *
 * Why two: `limits.maxConnections` says connections beyond the cap wait, never fail (INTERFACE.md
 * §3), but Node's own `server.maxConnections` destroys them. So the net server accepts with
 * `pauseOnConnect` and hands a socket to the HTTP server only while fewer than the cap are open;
 * the others wait, unread, in a FIFO until one closes (the kernel backlog behind them keeps its
 * own order). The HTTP server never listens itself; we emit its 'listening' so Node starts the
 * per-connection checks behind `headersTimeout`/`requestTimeout` (verified by the 408 test).
 */
import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer, type ServerOptions } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer, type AddressInfo, type Server as NetServer, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { SgError } from '../errors';
import type { LimitSettings, ListenAddress } from '../config/smoothgate-yaml';
import { formatListenAddress } from '../config/smoothgate-yaml';
import { clientErrorStatus, nodeMaxHeaderSize } from './request-limits';
import { rawErrorResponse } from './respond';
import type { GatewayMetrics } from './metrics';

export interface ListenerHooks {
  readonly onRequest: (req: IncomingMessage, res: import('node:http').ServerResponse) => void;
  readonly onUpgrade: (req: IncomingMessage, socket: Duplex, head: Buffer) => void;
}

export interface TlsMaterial {
  readonly cert: Buffer;
  readonly key: Buffer;
}

export class Listener {
  readonly http: HttpServer;
  private readonly net: NetServer;
  private readonly open = new Set<Socket>();
  private readonly waiting: Socket[] = [];
  private closing = false;

  constructor(
    readonly address: ListenAddress,
    private readonly limits: LimitSettings,
    hooks: ListenerHooks,
    private readonly logger: Logger,
    private readonly metrics: GatewayMetrics,
    tls: TlsMaterial | null,
  ) {
    const requestTimeout = limits.requestTimeoutMs;
    const options: ServerOptions = {
      maxHeaderSize: nodeMaxHeaderSize(limits),
      // Node's requestTimeout must not be below headersTimeout; 0 disables it.
      headersTimeout: requestTimeout > 0 ? Math.min(limits.headersTimeoutMs, requestTimeout) : limits.headersTimeoutMs,
      requestTimeout,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      // Node checks those timeouts on an interval (30 s by default): check often enough that a
      // slow head is answered close to headersTimeout.
      connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(limits.headersTimeoutMs / 4))),
      noDelay: true,
    };
    this.http = tls ? createHttpsServer({ ...options, cert: tls.cert, key: tls.key }) : createHttpServer(options);
    // One above the limit, so a request with too many fields is seen (and answered 431) rather than
    // silently truncated by Node.
    this.http.maxHeadersCount = limits.headerFields + 1;
    this.http.on('request', hooks.onRequest);
    this.http.on('upgrade', hooks.onUpgrade);
    this.http.on('connect', (req: IncomingMessage, socket: Duplex) => this.refuseConnect(req, socket));
    this.http.on('clientError', (err: NodeJS.ErrnoException & { rawPacket?: Buffer }, socket: Duplex) => this.clientError(err, socket));
    if (tls) {
      this.http.on('tlsClientError', (err: Error) => this.logger.debug({ err: err.message }, 'TLS handshake failed'));
    }
    // 64 KiB socket buffers (Node 20 defaults to 16 KiB): a 64 KiB chunk from the backend fits
    // without pausing the backend after every chunk of a large answer.
    this.net = createNetServer({ pauseOnConnect: true, highWaterMark: 64 * 1024 }, (socket) => this.accept(socket));
    this.net.on('error', (err) => this.logger.error({ err: err.message }, 'listener error'));
  }

  listen(): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException): void => {
        reject(new SgError('SG_ERR_SERVER_LISTEN', { address: formatListenAddress(this.address), reason: err.code ?? err.message }, { cause: err }));
      };
      this.net.once('error', onError);
      this.net.listen({ host: this.address.host, port: this.address.port, backlog: 1024 }, () => {
        this.net.removeListener('error', onError);
        this.http.emit('listening');
        resolve(this.net.address() as AddressInfo);
      });
    });
  }

  get connectionCount(): number {
    return this.open.size;
  }

  /**
   * Stops accepting; open connections stay until they finish (see closeIdle/destroyAll). The
   * port is released at once — net's close callback would wait for every open connection.
   */
  stopAccepting(): void {
    this.closing = true;
    for (const socket of this.waiting.splice(0)) socket.destroy();
    if (this.net.listening) this.net.close();
  }

  /** Closes keep-alive connections that have no request in flight. */
  closeIdle(): void {
    this.http.closeIdleConnections();
  }

  destroyAll(): void {
    for (const socket of this.waiting.splice(0)) socket.destroy();
    for (const socket of this.open) socket.destroy();
    this.http.closeAllConnections();
  }

  private accept(socket: Socket): void {
    if (this.closing) {
      socket.destroy();
      return;
    }
    if (this.open.size >= this.limits.maxConnections) {
      this.waiting.push(socket);
      socket.once('close', () => {
        const i = this.waiting.indexOf(socket);
        if (i >= 0) this.waiting.splice(i, 1);
      });
      return;
    }
    this.hand(socket);
  }

  private hand(socket: Socket): void {
    this.open.add(socket);
    this.metrics.connections.inc();
    socket.once('close', () => {
      this.open.delete(socket);
      this.metrics.connections.dec();
      const next = this.waiting.shift();
      if (next && !next.destroyed) this.hand(next);
    });
    socket.on('error', () => {
      /* reset by the peer: the http server's own handler logs nothing useful; 'close' follows */
    });
    this.http.emit('connection', socket);
    socket.resume();
  }

  /**
   * CONNECT (RFC 9110 §9.3.6) asks for a tunnel; we are no forward proxy. Without a 'connect'
   * listener Node drops the socket without a word; Apache without mod_proxy_connect answers
   * 405 with Allow (RFC 9110 §15.5.6), and so do we, then close.
   */
  private refuseConnect(req: IncomingMessage, socket: Duplex): void {
    this.metrics.requests.inc({ handler: 'invalid', status: '405' });
    this.logger.warn({ method: req.method, uri: req.url, status: 405 }, 'CONNECT refused: not a forward proxy');
    socket.on('error', () => socket.destroy());
    socket.end(rawErrorResponse(405, 'CONNECT', [['Allow', 'GET, HEAD']]));
    setTimeout(() => socket.destroy(), 1000).unref();
  }

  private clientError(err: NodeJS.ErrnoException & { rawPacket?: Buffer }, socket: Duplex): void {
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const status = clientErrorStatus(err, this.limits);
    this.metrics.requests.inc({ handler: 'invalid', status: String(status) });
    this.logger.warn({ code: err.code, status }, 'request rejected by the HTTP parser');
    socket.end(rawErrorResponse(status));
    // Give the answer a moment to leave, then free the socket even if the peer never closes.
    setTimeout(() => socket.destroy(), 1000).unref();
  }
}
