/**
 * A backend answer whose body is broken from its first byte (found by test/reliability/backend-faults):
 * undici reports the head, then fails on the body in the same read, before the gateway has written
 * anything. The client must get a 502 (INTERFACE.md §4/§6), not a connection closed without a byte,
 * and the 502 page must not carry the backend's fields (its ETag describes a body we never sent).
 * Once body bytes were relayed, the only honest signal left is a cut connection (RFC 9112 §8).
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import { startGateway } from '../helpers/gateway';
import { tableDecide } from '../helpers/table-decide';
import { rawExchange, statusOf } from '../helpers/http-client';
import type { BackendSettings } from '../../src/config/smoothgate-yaml';

/** A node:net backend writing `answer(path)` for each request, then closing. */
async function rawBackend(t: TestContext, answer: (socket: Socket, path: string) => void): Promise<string> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.once('data', (d: Buffer) => answer(socket, d.toString('latin1').split(' ')[1] ?? '/'));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => {
    for (const s of sockets) s.destroy();
    server.close();
  });
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

function settingsFor(url: string): { backend: BackendSettings } {
  return { backend: { url, preserveHost: true, sendOriginalUrl: true, connectTimeoutMs: 1000, headersTimeoutMs: 2000, bodyTimeoutMs: 2000, connections: 4 } };
}

const toBackend = tableDecide({}, () => ({ kind: 'file', path: '/x' }));

test('a backend body broken at its first chunk-size is a 502 without the backend fields, not a cut connection', async (t) => {
  const url = await rawBackend(t, (socket) => {
    socket.end('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nETag: "backend"\r\nContent-Encoding: gzip\r\n\r\nzz\r\nbad\r\n0\r\n\r\n');
  });
  const gw = await startGateway(t, { settings: settingsFor(url), decide: toBackend });
  const answer = await rawExchange(gw.port, 'GET /broken HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
  assert.equal(statusOf(answer), 502, `got ${JSON.stringify(answer.slice(0, 200))}`);
  assert.doesNotMatch(answer, /ETag|Content-Encoding/i);
  assert.match(answer, /Bad Gateway/);
});

test('a backend body broken after relayed bytes still cuts the connection', async (t) => {
  const url = await rawBackend(t, (socket) => {
    socket.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\ngood\r\n');
    setTimeout(() => socket.end('zz\r\nbad\r\n0\r\n\r\n'), 100);
  });
  const gw = await startGateway(t, { settings: settingsFor(url), decide: toBackend });
  const answer = await rawExchange(gw.port, 'GET /broken-later HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
  assert.equal(statusOf(answer), 200);
  assert.doesNotMatch(answer, /\r\n0\r\n\r\n$/, 'no last-chunk: the client must not take the body as complete');
});
