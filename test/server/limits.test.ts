/**
 * The request limits of INTERFACE.md §3 (Apache's LimitRequest*, SPEC-NOTES §4.7): request line →
 * 414, a long header field or too many fields → 431 (Apache: 400, the documented divergence), body →
 * 413, slow head → 408; and the connection cap makes extra connections wait, not fail.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { connect } from 'node:net';
import { startGateway } from '../helpers/gateway';
import { tableDecide } from '../helpers/table-decide';
import { fetchRaw, rawExchange, statusOf } from '../helpers/http-client';
import { defaultSettings } from '../../src/config/smoothgate-yaml';

const ok = tableDecide({}, () => ({ kind: 'status', status: 404 }));

test('request line: 8191 bytes pass, 8192 are 414 (Apache LimitRequestLine 8190)', async (t) => {
  const gw = await startGateway(t, { decide: ok });
  const line = (n: number): string => {
    const fixed = 'GET /'.length + ' HTTP/1.1'.length;
    return `GET /${'a'.repeat(n - fixed)} HTTP/1.1`;
  };
  assert.equal(statusOf(await rawExchange(gw.port, `${line(8191)}\r\nHost: x\r\nConnection: close\r\n\r\n`)), 404);
  const long = await rawExchange(gw.port, `${line(8192)}\r\nHost: x\r\n\r\n`);
  assert.equal(statusOf(long), 414);
  assert.match(long, /Request-URI Too Long/);
  // Far beyond Node's header buffer the parser stops first; still 414, not 431.
  assert.equal(statusOf(await rawExchange(gw.port, `${line(2_000_000)}\r\nHost: x\r\n\r\n`)), 414);
});

test('header field too long or too many fields → 431', async (t) => {
  const gw = await startGateway(t, { decide: ok });
  const field = (n: number): string => `X-Long: ${'b'.repeat(n - 'X-Long: '.length)}`;
  assert.equal(statusOf(await rawExchange(gw.port, `GET / HTTP/1.1\r\nHost: x\r\n${field(8191)}\r\nConnection: close\r\n\r\n`)), 404);
  assert.equal(statusOf(await rawExchange(gw.port, `GET / HTTP/1.1\r\nHost: x\r\n${field(9000)}\r\n\r\n`)), 431);
  const many = Array.from({ length: 100 }, (_, i) => `X-F${i}: v`).join('\r\n');
  assert.equal(statusOf(await rawExchange(gw.port, `GET / HTTP/1.1\r\nHost: x\r\n${many}\r\n\r\n`)), 431, '101 fields');
  const ninetyNine = Array.from({ length: 98 }, (_, i) => `X-F${i}: v`).join('\r\n');
  assert.equal(statusOf(await rawExchange(gw.port, `GET / HTTP/1.1\r\nHost: x\r\n${ninetyNine}\r\nConnection: close\r\n\r\n`)), 404, '100 fields');
  // A head beyond Node's whole-head buffer (more than Apache's limits allow in total).
  const huge = Array.from({ length: 200 }, (_, i) => `X-H${i}: ${'c'.repeat(8000)}`).join('\r\n');
  assert.equal(statusOf(await rawExchange(gw.port, `GET / HTTP/1.1\r\nHost: x\r\n${huge}\r\n\r\n`)), 431);
});

test('repeated header fields whose merged value exceeds LimitRequestFieldSize → 431 (Apache AH00560)', async (t) => {
  const gw = await startGateway(t, { decide: ok });
  const cookies = (n: number, each: number): string => Array.from({ length: n }, (_, i) => `Cookie: c${i}=${'x'.repeat(each)}`).join('\r\n');
  // Each line fits; joined with ", " the value is over 8190 bytes, as Apache measures after merging.
  assert.equal(statusOf(await rawExchange(gw.port, `GET / HTTP/1.1\r\nHost: x\r\n${cookies(2, 5000)}\r\nConnection: close\r\n\r\n`)), 431);
  assert.equal(statusOf(await rawExchange(gw.port, `GET / HTTP/1.1\r\nHost: x\r\n${cookies(20, 300)}\r\nConnection: close\r\n\r\n`)), 404, 'merged under the limit');
});

test('CONNECT is answered 405 with Allow instead of a dropped connection', async (t) => {
  const gw = await startGateway(t, { decide: ok });
  const answer = await rawExchange(gw.port, 'CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1:22\r\n\r\n');
  assert.equal(statusOf(answer), 405);
  assert.match(answer, /\r\nAllow: GET, HEAD\r\n/);
});

test('body over limits.bodyBytes → 413, by Content-Length up front and by counting a chunked upload', async (t) => {
  let backendBytes = 0;
  const backend = createServer((req, res) => {
    req.on('data', (d: Buffer) => (backendBytes += d.length));
    req.on('end', () => res.end('stored'));
  });
  await new Promise<void>((r) => backend.listen(0, '127.0.0.1', r));
  t.after(() => backend.close());
  const port = (backend.address() as { port: number }).port;
  const gw = await startGateway(t, {
    settings: {
      limits: { ...defaultSettings().limits, bodyBytes: 1000 },
      backend: { url: `http://127.0.0.1:${port}`, preserveHost: true, sendOriginalUrl: true, connectTimeoutMs: 1000, headersTimeoutMs: 5000, bodyTimeoutMs: 5000, connections: 4 },
    },
    decide: tableDecide({}, () => ({ kind: 'file', path: '/upload' })),
  });
  const small = await fetchRaw(`${gw.url}/upload`, { method: 'POST', body: 'x'.repeat(1000) });
  assert.equal(small.status, 200);
  assert.equal(small.body.toString(), 'stored');
  const big = await fetchRaw(`${gw.url}/upload`, { method: 'POST', body: 'x'.repeat(1001) });
  assert.equal(big.status, 413);
  const chunked = await rawExchange(
    gw.port,
    `POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n400\r\n${'y'.repeat(1024)}\r\n0\r\n\r\n`,
  );
  assert.equal(statusOf(chunked), 413);
  assert.ok(backendBytes <= 2000, 'the over-limit chunked body never reached the backend in full');
});

test('a slow request head → 408', async (t) => {
  const gw = await startGateway(t, {
    settings: { limits: { ...defaultSettings().limits, headersTimeoutMs: 300 } },
    decide: ok,
  });
  const started = Date.now();
  const answer = await rawExchange(gw.port, 'GET / HTTP/1.1\r\nHost: x\r\n', 5000);
  assert.equal(statusOf(answer), 408);
  assert.ok(Date.now() - started < 3000, 'answered near headersTimeout');
});

test('connections beyond maxConnections wait for a free slot instead of failing', async (t) => {
  const gw = await startGateway(t, {
    settings: { limits: { ...defaultSettings().limits, maxConnections: 1 } },
    decide: ok,
  });
  // The first connection holds the only slot.
  const first = connect(gw.port, '127.0.0.1');
  await new Promise((r) => first.once('connect', r));
  await new Promise((r) => setTimeout(r, 50));
  const second = rawExchange(gw.port, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', 5000);
  let secondDone = false;
  void second.then(() => (secondDone = true));
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(secondDone, false, 'the second connection waits while the first is open');
  first.destroy();
  assert.equal(statusOf(await second), 404, 'then it is served');
});

test('an idle keep-alive connection closes after keepAliveTimeout; an unfinished body does not hold the connection past requestTimeout', async (t) => {
  const gw = await startGateway(t, {
    settings: { limits: { ...defaultSettings().limits, keepAliveTimeoutMs: 200, requestTimeoutMs: 400, headersTimeoutMs: 400 } },
    decide: ok,
  });
  const socket = connect(gw.port, '127.0.0.1');
  socket.resume(); // read the answer, so the server's close reaches us as EOF
  await new Promise((r) => socket.once('connect', r));
  const started = Date.now();
  socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
  await new Promise((r) => socket.once('close', r));
  const elapsed = Date.now() - started;
  // Node adds up to a second to keepAliveTimeout (keepAliveTimeoutBuffer) against races with clients.
  assert.ok(elapsed >= 150 && elapsed < 3000, `closed after ${elapsed} ms`);
  // A body that never completes: answered (here 404 at once, the body unread), and the connection is
  // not held open past requestTimeout.
  const began = Date.now();
  const slow = await rawExchange(gw.port, 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc', 5000);
  assert.equal(statusOf(slow), 404);
  assert.ok(Date.now() - began < 4000, 'closed by requestTimeout, not by the client');
});
