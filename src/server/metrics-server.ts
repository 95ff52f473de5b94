/**
 * The operations listener (INTERFACE.md §11): `GET /metrics` in Prometheus text format and
 * `GET /healthz` — 200 `ok` while serving, 503 `draining` once SIGTERM arrived, so a load balancer
 * stops sending before we stop accepting. The text comes from `render`: one process's registry, or
 * under `--workers N` the primary's sum over every worker (src/server/metrics-aggregate.ts).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SgError } from '../errors';
import { formatListenAddress, type ListenAddress } from '../config/smoothgate-yaml';

export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export class MetricsServer {
  private readonly server: Server;

  constructor(
    private readonly address: ListenAddress,
    render: () => string | Promise<string>,
    isDraining: () => boolean,
  ) {
    this.server = createServer(async (req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain' }).end('method not allowed\n');
      } else if (path === '/metrics') {
        let body: string;
        try {
          body = await render();
        } catch (err) {
          res.writeHead(500, { 'Content-Type': 'text/plain' }).end(`metrics unavailable: ${(err as Error).message}\n`);
          return;
        }
        res.writeHead(200, { 'Content-Type': METRICS_CONTENT_TYPE, 'Content-Length': Buffer.byteLength(body) });
        res.end(req.method === 'HEAD' ? undefined : body);
      } else if (path === '/healthz') {
        const draining = isDraining();
        res.writeHead(draining ? 503 : 200, { 'Content-Type': 'text/plain', 'Cache-Control': 'no-store' });
        res.end(req.method === 'HEAD' ? undefined : draining ? 'draining\n' : 'ok\n');
      } else {
        res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
      }
    });
    this.server.keepAliveTimeout = 5_000;
  }

  listen(): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      this.server.once('error', (err: NodeJS.ErrnoException) =>
        reject(new SgError('SG_ERR_SERVER_LISTEN', { address: formatListenAddress(this.address), reason: err.code ?? err.message }, { cause: err })),
      );
      this.server.listen(this.address.port, this.address.host, () => resolve(this.server.address() as AddressInfo));
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.closeAllConnections();
      this.server.close(() => resolve());
    });
  }
}
