/**
 * WebSocket and other `Upgrade` requests (RFC 9110 §7.8) pass through as a raw tunnel, the way
 * mod_proxy_wstunnel does: we open a connection to the backend, write the request head with the
 * forwarding fields (Connection/Upgrade kept for this one hop), then copy bytes both ways. Whatever
 * the backend answers — 101 or an error status — reaches the client unchanged, and either side
 * closing closes the other.
 */
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { Duplex } from 'node:stream';
import { SgError } from '../errors';
import { forwardRequestHeaders, type ForwardingFacts } from './forward-headers';
import type { ProxyTarget } from './backend-proxy';
import type { HeaderList } from '../routing/decision';

export interface TunnelContext {
  readonly method: string;
  readonly httpVersion: string;
  readonly requestHeaders: HeaderList;
  readonly facts: Omit<ForwardingFacts, 'backendHost'>;
  readonly connectTimeoutMs: number;
}

/** The request head as bytes (request line, fields, blank line); field values are as received. */
function requestHead(method: string, path: string, headers: Array<[string, string]>): Buffer {
  let head = `${method} ${path} HTTP/1.1\r\n`;
  for (const [name, value] of headers) head += `${name}: ${value}\r\n`;
  return Buffer.from(`${head}\r\n`, 'latin1');
}

/**
 * Opens the tunnel. Resolves once bytes flow; rejects with SG_ERR_PROXY_UPGRADE / _CONNECT before
 * anything was written to the client, so the caller can still answer 502.
 */
export function openUpgradeTunnel(target: ProxyTarget, ctx: TunnelContext, client: Duplex, head: Buffer): Promise<void> {
  const url = new URL(target.origin);
  const port = Number(url.port) || (url.protocol === 'https:' ? 443 : 80);
  const facts: ForwardingFacts = { ...ctx.facts, backendHost: url.host };
  const headers = forwardRequestHeaders(ctx.requestHeaders, facts, ctx.httpVersion, true);
  return new Promise((resolve, reject) => {
    const onConnect = (): void => {
      backend.setTimeout(0);
      backend.setNoDelay(true);
      backend.write(requestHead(ctx.method, target.path, headers));
      if (head.length > 0) backend.write(head);
      backend.pipe(client);
      client.pipe(backend);
      const closeBoth = (): void => {
        backend.destroy();
        client.destroy();
      };
      backend.on('error', closeBoth);
      backend.on('close', closeBoth);
      client.on('error', closeBoth);
      client.on('close', closeBoth);
      resolve();
    };
    const backend: Socket =
      url.protocol === 'https:'
        ? tlsConnect({ host: url.hostname, port, servername: url.hostname }, onConnect)
        : netConnect({ host: url.hostname.replace(/^\[|\]$/g, ''), port }, onConnect);
    backend.setTimeout(ctx.connectTimeoutMs, () => {
      backend.destroy(new SgError('SG_ERR_PROXY_TIMEOUT', { url: target.origin, reason: 'connect timeout' }));
    });
    backend.once('error', (err) => {
      if (backend.connecting || !backend.writable) {
        reject(err instanceof SgError ? err : new SgError('SG_ERR_PROXY_UPGRADE', { url: target.origin, reason: (err as NodeJS.ErrnoException).code ?? err.message }, { cause: err }));
      }
    });
  });
}
