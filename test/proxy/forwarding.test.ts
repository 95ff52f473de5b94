/**
 * What the backend receives and what the client gets back through the proxy (INTERFACE.md §3/§4):
 * hop-by-hop fields gone, X-Forwarded-* and Via added, Host per preserveHost, URL per
 * sendOriginalUrl, Location mapped back (ProxyPassReverse), failures as 502/504. The backend is a
 * small node:http echo server; `decide` is a hand-written table (routing core not wired yet).
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { startGateway } from '../helpers/gateway';
import { buildDecision, tableDecide } from '../helpers/table-decide';
import { fetchRaw, rawExchange, statusOf } from '../helpers/http-client';
import type { BackendSettings } from '../../src/config/smoothgate-yaml';
import { freePort } from '../helpers/apache-backend';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  rawHeaders: string[];
}

async function echoBackend(t: TestContext, extra?: (req: IncomingMessage, res: ServerResponse) => boolean): Promise<{ url: string; port: number; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    seen.push({ method: req.method!, url: req.url!, headers: req.headers, rawHeaders: req.rawHeaders });
    if (extra && extra(req, res)) return;
    req.resume();
    req.on('end', () => {
      res.setHeader('Connection', 'keep-alive, X-Backend-Hop');
      res.setHeader('X-Backend-Hop', 'secret');
      res.setHeader('Keep-Alive', 'timeout=5');
      res.setHeader('Set-Cookie', ['a=1', 'b=2']);
      res.end(JSON.stringify({ url: req.url }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => {
    server.closeAllConnections();
    server.close();
  });
  const port = (server.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}`, port, seen };
}

function backendSettings(url: string, patch: Partial<BackendSettings> = {}): BackendSettings {
  return { url, preserveHost: true, sendOriginalUrl: true, connectTimeoutMs: 1000, headersTimeoutMs: 5000, bodyTimeoutMs: 5000, connections: 4, ...patch };
}

test('request head: hop-by-hop removed, X-Forwarded-*, Via, Host preserved, original URL', async (t) => {
  const be = await echoBackend(t);
  const gw = await startGateway(t, {
    settings: { backend: backendSettings(be.url) },
    decide: (req) => ({ ...buildDecision(req, { kind: 'file', path: '/x' }), uri: '/rewritten path', query: 'q=1' }),
  });
  const r = await rawExchange(
    gw.port,
    'GET /orig%20inal?a=%zz HTTP/1.1\r\nHost: www.example.com\r\nConnection: close, X-Drop-Me\r\nX-Drop-Me: 1\r\nKeep-Alive: 300\r\n' +
      'TE: trailers\r\nProxy-Authorization: Basic eDp5\r\nX-Forwarded-For: 203.0.113.9\r\nVia: 1.0 upstream\r\nX-Keep: yes\r\n\r\n',
  );
  assert.equal(statusOf(r), 200);
  const seen = be.seen[0]!;
  assert.equal(seen.url, '/orig%20inal?a=%zz', 'sendOriginalUrl: the client URL, byte for byte');
  assert.equal(seen.headers.host, 'www.example.com', 'preserveHost');
  for (const name of ['x-drop-me', 'keep-alive', 'te', 'proxy-authorization']) assert.equal(seen.headers[name], undefined, name);
  assert.equal(seen.headers['x-keep'], 'yes');
  assert.equal(seen.headers['x-forwarded-for'], '203.0.113.9, 127.0.0.1', 'appended to (mod_proxy), peer untrusted so kept as sent');
  assert.equal(seen.headers['x-forwarded-host'], 'www.example.com');
  assert.equal(seen.headers['x-forwarded-proto'], 'http');
  assert.equal(seen.headers.via, '1.0 upstream, 1.1 smoothgate');
  // Response: hop-by-hop fields of the backend do not reach the client; Set-Cookie stays repeated.
  assert.doesNotMatch(r, /X-Backend-Hop/i);
  assert.doesNotMatch(r, /Keep-Alive: timeout/i);
  assert.equal((r.match(/set-cookie:/gi) ?? []).length, 2);
});

test('sendOriginalUrl false sends the rewritten URL; preserveHost false sends the backend Host', async (t) => {
  const be = await echoBackend(t);
  const gw = await startGateway(t, {
    settings: { backend: backendSettings(`${be.url}/legacy/`, { preserveHost: false, sendOriginalUrl: false }) },
    decide: (req) => ({ ...buildDecision(req, { kind: 'file', path: '/x' }), uri: '/new place/100%?#', query: 'q=1' }),
  });
  await fetchRaw(`${gw.url}/orig?x=1`, { headers: { host: 'client.example' } });
  const seen = be.seen[0]!;
  assert.equal(seen.url, '/legacy/new%20place/100%25%3F%23?q=1');
  assert.equal(seen.headers.host, `127.0.0.1:${be.port}`);
  assert.equal(seen.headers['x-forwarded-host'], 'client.example');
});

test('trustedProxies: X-Forwarded-For/-Proto believed only from a trusted peer (mod_remoteip)', async (t) => {
  const be = await echoBackend(t);
  let clientIp = '';
  let https = false;
  const gw = await startGateway(t, {
    settings: { backend: backendSettings(be.url), trustedProxies: ['127.0.0.0/8', '10.0.0.0/8'] },
    decide: (req) => {
      clientIp = req.clientIp;
      https = req.isHttps;
      return buildDecision(req, { kind: 'file', path: '/x' });
    },
  });
  await fetchRaw(`${gw.url}/a`, { headers: { 'x-forwarded-for': '198.51.100.7, 10.1.2.3', 'x-forwarded-proto': 'https' } });
  assert.equal(clientIp, '198.51.100.7', 'walked from the right past trusted hops');
  assert.equal(https, true);
  assert.equal(be.seen[0]!.headers['x-forwarded-for'], '198.51.100.7', 'consumed entries replaced by the client');
  assert.equal(be.seen[0]!.headers['x-forwarded-proto'], 'https');
});

test('Location from the backend is mapped back to our URL (ProxyPassReverse)', async (t) => {
  const be = await echoBackend(t, (req, res) => {
    if (req.url !== '/go') return false;
    res.writeHead(302, { Location: `http://127.0.0.1:${(req.socket.localPort)}/target?x=1`, 'Content-Location': `http://127.0.0.1:${req.socket.localPort}/cl` });
    res.end();
    return true;
  });
  const gw = await startGateway(t, {
    settings: { backend: backendSettings(be.url, { preserveHost: false }) },
    decide: tableDecide({}, () => ({ kind: 'file', path: '/x' })),
  });
  const r = await fetchRaw(`${gw.url}/go`, { headers: { host: 'public.example:8080' } });
  assert.equal(r.status, 302);
  assert.equal(r.headers.location, 'http://public.example:8080/target?x=1');
  assert.equal(r.headers['content-location'], 'http://public.example:8080/cl');
});

test('a proxy decision goes to its own target, any backend', async (t) => {
  const be = await echoBackend(t);
  const gw = await startGateway(t, {
    decide: tableDecide({ '/p': { kind: 'proxy', target: `${be.url}/elsewhere?y=2` } }),
  });
  const r = await fetchRaw(`${gw.url}/p`);
  assert.equal(r.status, 200);
  assert.equal(be.seen[0]!.url, '/elsewhere?y=2');
});

test('backend refused → 502, backend too slow → 504, the gateway stays up', async (t) => {
  const deadPort = await freePort();
  const slow = createServer((_req, res) => setTimeout(() => res.end('late'), 2000));
  await new Promise<void>((r) => slow.listen(0, '127.0.0.1', r));
  t.after(() => {
    slow.closeAllConnections();
    slow.close();
  });
  const slowPort = (slow.address() as { port: number }).port;
  const gw = await startGateway(t, {
    settings: { backend: backendSettings(`http://127.0.0.1:${deadPort}`), metricsListen: { host: '127.0.0.1', port: 0 } },
    decide: tableDecide({ '/slow': { kind: 'proxy', target: `http://127.0.0.1:${slowPort}/` } }, () => ({ kind: 'file', path: '/x' })),
  });
  const refused = await fetchRaw(`${gw.url}/x`);
  assert.equal(refused.status, 502);
  assert.match(refused.body.toString(), /Bad Gateway/);
  // headersTimeout of the backend settings applies to every origin's pool.
  const gw2 = await startGateway(t, {
    settings: { backend: backendSettings(`http://127.0.0.1:${slowPort}`, { headersTimeoutMs: 300 }) },
    decide: tableDecide({}, () => ({ kind: 'file', path: '/x' })),
  });
  const timedOut = await fetchRaw(`${gw2.url}/slow`);
  assert.equal(timedOut.status, 504);
  assert.equal((await fetchRaw(`${gw.url}/again`)).status, 502, 'still serving');
  const metrics = await fetchRaw(`${gw.metricsUrl}/metrics`);
  assert.match(metrics.body.toString(), /smoothgate_backend_errors_total\{reason="connect"\} 2/);
});
