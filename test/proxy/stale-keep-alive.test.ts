/**
 * A backend that closes an idle keep-alive connection just as the gateway reuses it (found by the
 * reliability suite: about 3% 502s from a healthy backend that closes idle connections 20 ms after
 * each answer without announcing it). RFC 9112 §9.3.1 lets the gateway retry an idempotent request
 * that got no answer; it must not retry a request with a body or a non-idempotent method.
 *
 * The backend here is deterministic: it answers the first request of each connection and drops the
 * connection without a byte on any later one — the race, every time.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import { request } from 'undici';
import { startGateway } from '../helpers/gateway';
import { tableDecide } from '../helpers/table-decide';
import type { BackendSettings } from '../../src/config/smoothgate-yaml';

interface DroppingBackend {
  readonly url: string;
  /** Request lines received, in order. */
  readonly seen: string[];
}

/** Answers only the first request of each connection; `dropEvery` also drops first requests. */
async function droppingBackend(t: TestContext, options: { dropEvery?: boolean } = {}): Promise<DroppingBackend> {
  const seen: string[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    let requests = 0;
    socket.on('data', (d: Buffer) => {
      seen.push(d.toString('latin1').split('\r\n')[0]!);
      if (++requests > 1 || options.dropEvery) socket.destroy();
      else socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nKeep-Alive: timeout=60\r\n\r\nok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => {
    for (const s of sockets) s.destroy();
    server.close();
  });
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, seen };
}

function settingsFor(url: string): { backend: BackendSettings } {
  // One pooled connection, so the second request reuses the first one's socket.
  return { backend: { url, preserveHost: true, sendOriginalUrl: true, connectTimeoutMs: 1000, headersTimeoutMs: 2000, bodyTimeoutMs: 2000, connections: 1 } };
}

const toBackend = tableDecide({}, () => ({ kind: 'file', path: '/x' }));

async function statusOf(url: string, options: Parameters<typeof request>[1] = {}): Promise<number> {
  const res = await request(url, options);
  await res.body.dump();
  return res.statusCode;
}

test('a GET on a keep-alive connection the backend dropped is retried on a fresh one, not a 502', async (t) => {
  const backend = await droppingBackend(t);
  const gw = await startGateway(t, { settings: settingsFor(backend.url), decide: toBackend });
  assert.equal(await statusOf(`${gw.url}/first`), 200);
  assert.equal(await statusOf(`${gw.url}/second`), 200, 'the reused connection was dead: a fresh one must carry the retry');
  assert.deepEqual(backend.seen, ['GET /first HTTP/1.1', 'GET /second HTTP/1.1', 'GET /second HTTP/1.1']);
});

test('a POST on a dropped keep-alive connection is not retried (RFC 9112 §9.3.1): 502', async (t) => {
  const backend = await droppingBackend(t);
  const gw = await startGateway(t, { settings: settingsFor(backend.url), decide: toBackend });
  assert.equal(await statusOf(`${gw.url}/first`), 200);
  assert.equal(await statusOf(`${gw.url}/post`, { method: 'POST', body: 'payload' }), 502);
  assert.equal(backend.seen.filter((l) => l.startsWith('POST')).length, 1);
});

test('a backend that drops every request gets one retry, then the client gets its 502', async (t) => {
  const backend = await droppingBackend(t, { dropEvery: true });
  const gw = await startGateway(t, { settings: settingsFor(backend.url), decide: toBackend });
  assert.equal(await statusOf(`${gw.url}/always-dropped`), 502);
  assert.equal(backend.seen.length, 2);
});
