/**
 * The BodyPlan sender over a real socket: Range (206, multipart, 416), HEAD, conditional requests
 * (304/412/If-Range), and file descriptors closed after complete, ranged and aborted downloads.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm, writeFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeBodyPlan } from '../../src/streaming/body-plan';
import { sendStreamResponse, staticFileResponse } from '../../src/http';
import type { StreamResponse } from '../../src/streaming/stream-response';
import { openFdCount } from '../helpers/progressive-server';
import { makeFifo, within } from '../helpers/fifo';

let server: Server;
let base: string;
let root: string;
let fileBytes: Buffer;
let generated: StreamResponse;
let staticResponse: StreamResponse;
const memoryBytes = Buffer.from(Array.from({ length: 10 * 1024 }, (_, i) => (i * 31) & 0xff));
const inMemory: StreamResponse = {
  status: 200,
  headers: [['Content-Type', 'application/vnd.ms-sstr+xml'], ['X-Smoothgate', 'handler']],
  plan: makeBodyPlan([{ kind: 'memory', bytes: memoryBytes.subarray(0, 4000) }, { kind: 'memory', bytes: memoryBytes.subarray(4000) }]),
  etag: '"mem-1"',
  lastModified: new Date('2024-01-02T03:04:05Z'),
};
const header = Buffer.from('HEADER-BYTES-IN-MEMORY:');

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'sg-send-'));
  fileBytes = Buffer.alloc(3 * 1024 * 1024 + 17);
  for (let i = 0; i < fileBytes.length; i++) fileBytes[i] = (i * 7 + (i >> 11)) & 0xff;
  const path = join(root, 'media.bin');
  await writeFile(path, fileBytes);
  const s = await stat(path);
  staticResponse = staticFileResponse(path, { sizeBytes: s.size, mtimeMs: s.mtimeMs, inode: s.ino }, 'video/mp4');
  generated = {
    status: 200,
    headers: [['Content-Type', 'video/mp4'], ['Accept-Ranges', 'bytes']],
    plan: makeBodyPlan([
      { kind: 'memory', bytes: header },
      { kind: 'file', path, offsetBytes: 1000, lengthBytes: 2 * 1024 * 1024 },
      { kind: 'file', path, offsetBytes: 10, lengthBytes: 100 },
    ]),
    etag: '"gen-1"',
    lastModified: new Date('2024-01-02T03:04:05Z'),
  };
  const shrinking: StreamResponse = {
    ...generated,
    // A plan that promises more than the file holds (the file shrank after indexing).
    plan: makeBodyPlan([{ kind: 'file', path, offsetBytes: fileBytes.length - 1000, lengthBytes: 5000 }]),
  };
  const missing: StreamResponse = { ...generated, plan: makeBodyPlan([{ kind: 'file', path: join(root, 'gone.bin'), offsetBytes: 0, lengthBytes: 10 }]) };
  server = createServer((req, res) => {
    if (req.url === '/preset') {
      // As the gateway does before a handler runs: its own headers and mod_headers' on res already.
      res.setHeader('X-Smoothgate', 'gateway');
      res.setHeader('Cache-Control', 'from-config');
      res.setHeader('X-Extra', 'kept');
      void sendStreamResponse(req, res, { ...inMemory, headers: [...inMemory.headers, ['Cache-Control', 'from-handler'], ['cache-control', 'last-wins']] });
      return;
    }
    const response = req.url === '/static' ? staticResponse : req.url === '/shrunk' ? shrinking : req.url === '/missing' ? missing : req.url === '/memory' ? inMemory : generated;
    void sendStreamResponse(req, res, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await rm(root, { recursive: true, force: true });
});

function expectedGenerated(): Buffer {
  return Buffer.concat([header, fileBytes.subarray(1000, 1000 + 2 * 1024 * 1024), fileBytes.subarray(10, 110)]);
}

test('whole plan: 200, Content-Length, bytes in order', async () => {
  const response = await fetch(`${base}/gen`);
  assert.equal(response.status, 200);
  const body = Buffer.from(await response.arrayBuffer());
  assert.equal(Number(response.headers.get('content-length')), expectedGenerated().length);
  assert.ok(body.equals(expectedGenerated()));
  assert.equal(response.headers.get('etag'), '"gen-1"');
  assert.equal(response.headers.get('last-modified'), 'Tue, 02 Jan 2024 03:04:05 GMT');
});

test('single range spanning memory and file parts → 206 with Content-Range', async () => {
  const response = await fetch(`${base}/gen`, { headers: { Range: 'bytes=10-40' } });
  assert.equal(response.status, 206);
  assert.equal(response.headers.get('content-range'), `bytes 10-40/${expectedGenerated().length}`);
  assert.ok(Buffer.from(await response.arrayBuffer()).equals(expectedGenerated().subarray(10, 41)));
});

test('suffix range on the static file', async () => {
  const response = await fetch(`${base}/static`, { headers: { Range: 'bytes=-5' } });
  assert.equal(response.status, 206);
  assert.ok(Buffer.from(await response.arrayBuffer()).equals(fileBytes.subarray(fileBytes.length - 5)));
});

test('several ranges → multipart/byteranges with each part correct', async () => {
  const response = await fetch(`${base}/gen`, { headers: { Range: 'bytes=0-4, 100-199, -10' } });
  assert.equal(response.status, 206);
  const type = response.headers.get('content-type') ?? '';
  const boundary = /boundary=(\S+)/.exec(type)?.[1];
  assert.ok(type.startsWith('multipart/byteranges') && boundary);
  const body = Buffer.from(await response.arrayBuffer()).toString('latin1');
  assert.equal(Number(response.headers.get('content-length')), Buffer.byteLength(body, 'latin1'));
  const parts = body.split(`--${boundary}`).slice(1, -1);
  const whole = expectedGenerated();
  const total = whole.length;
  const wanted: Array<[number, number]> = [[0, 4], [100, 199], [total - 10, total - 1]];
  assert.equal(parts.length, 3);
  parts.forEach((part, i) => {
    const [head, data] = part.split('\r\n\r\n', 2) as [string, string];
    const [from, to] = wanted[i]!;
    assert.match(head, new RegExp(`Content-Range: bytes ${from}-${to}/${total}`));
    assert.match(head, /Content-Type: video\/mp4/);
    assert.equal(data.slice(0, -2), whole.subarray(from, to + 1).toString('latin1'));
  });
});

test('unsatisfiable → 416 with Content-Range: bytes */N', async () => {
  const response = await fetch(`${base}/gen`, { headers: { Range: `bytes=${expectedGenerated().length}-` } });
  assert.equal(response.status, 416);
  assert.equal(response.headers.get('content-range'), `bytes */${expectedGenerated().length}`);
});

test('HEAD: headers only', async () => {
  const response = await fetch(`${base}/gen`, { method: 'HEAD' });
  assert.equal(response.status, 200);
  assert.equal(Number(response.headers.get('content-length')), expectedGenerated().length);
});

test('If-None-Match / If-Modified-Since → 304; If-Match / If-Unmodified-Since → 412', async () => {
  assert.equal((await fetch(`${base}/gen`, { headers: { 'If-None-Match': '"gen-1"' } })).status, 304);
  assert.equal((await fetch(`${base}/gen`, { headers: { 'If-None-Match': 'W/"gen-1", "x"' } })).status, 304);
  assert.equal((await fetch(`${base}/gen`, { headers: { 'If-None-Match': '"other"' } })).status, 200);
  assert.equal((await fetch(`${base}/gen`, { headers: { 'If-Modified-Since': 'Tue, 02 Jan 2024 03:04:05 GMT' } })).status, 304);
  assert.equal((await fetch(`${base}/gen`, { headers: { 'If-Modified-Since': 'Tue, 02 Jan 2024 03:04:04 GMT' } })).status, 200);
  assert.equal((await fetch(`${base}/gen`, { headers: { 'If-Match': '"other"' } })).status, 412);
  assert.equal((await fetch(`${base}/gen`, { headers: { 'If-Match': 'W/"gen-1"' } })).status, 412);
  assert.equal((await fetch(`${base}/gen`, { headers: { 'If-Match': '"gen-1"' } })).status, 200);
  assert.equal((await fetch(`${base}/gen`, { headers: { 'If-Unmodified-Since': 'Mon, 01 Jan 2024 00:00:00 GMT' } })).status, 412);
});

test('If-Range: matching ETag → 206, stale ETag or date → 200 full', async () => {
  assert.equal((await fetch(`${base}/gen`, { headers: { Range: 'bytes=0-9', 'If-Range': '"gen-1"' } })).status, 206);
  assert.equal((await fetch(`${base}/gen`, { headers: { Range: 'bytes=0-9', 'If-Range': '"old"' } })).status, 200);
  assert.equal((await fetch(`${base}/gen`, { headers: { Range: 'bytes=0-9', 'If-Range': 'Tue, 02 Jan 2024 03:04:05 GMT' } })).status, 206);
  assert.equal((await fetch(`${base}/gen`, { headers: { Range: 'bytes=0-9', 'If-Range': 'Wed, 03 Jan 2024 03:04:05 GMT' } })).status, 200);
});

test('file descriptors are closed after complete, ranged and aborted downloads', async () => {
  const fdsBefore = openFdCount();
  for (let i = 0; i < 5; i++) {
    await (await fetch(`${base}/gen`)).arrayBuffer();
    await (await fetch(`${base}/gen`, { headers: { Range: 'bytes=5-100000' } })).arrayBuffer();
  }
  // Abort mid-body: read the head and a little of the body, then destroy the socket.
  for (let i = 0; i < 5; i++) {
    await new Promise<void>((resolve) => {
      const req = httpRequest(`${base}/gen`, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', () => resolve());
      req.end();
    });
  }
  // Let the server notice the closed sockets and run its finally blocks.
  for (let i = 0; i < 50 && openFdCount() > fdsBefore; i++) await new Promise((r) => setTimeout(r, 20));
  assert.ok(openFdCount() <= fdsBefore, `fds before ${fdsBefore}, after ${openFdCount()}`);
});

test('I/O errors: a missing file is a 500 before the headers; a short file cuts the connection after them', async () => {
  const fdsBefore = openFdCount();
  assert.equal((await fetch(`${base}/missing`)).status, 500);
  const response = await fetch(`${base}/shrunk`);
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('content-length'), '5000');
  await assert.rejects(response.arrayBuffer());
  for (let i = 0; i < 50 && openFdCount() > fdsBefore; i++) await new Promise((r) => setTimeout(r, 20));
  assert.ok(openFdCount() <= fdsBefore);
});

test('in-memory plan: whole, single range, multipart, HEAD, 304', async () => {
  const whole = await fetch(`${base}/memory`);
  assert.equal(whole.status, 200);
  assert.equal(whole.headers.get('content-length'), String(memoryBytes.length));
  assert.equal(whole.headers.get('etag'), '"mem-1"');
  assert.ok(Buffer.from(await whole.arrayBuffer()).equals(memoryBytes));
  const ranged = await fetch(`${base}/memory`, { headers: { Range: 'bytes=3990-4010' } });
  assert.equal(ranged.status, 206);
  assert.equal(ranged.headers.get('content-range'), `bytes 3990-4010/${memoryBytes.length}`);
  assert.ok(Buffer.from(await ranged.arrayBuffer()).equals(memoryBytes.subarray(3990, 4011)));
  const multi = await fetch(`${base}/memory`, { headers: { Range: 'bytes=0-1,5000-5001' } });
  assert.equal(multi.status, 206);
  assert.match(multi.headers.get('content-type') ?? '', /^multipart\/byteranges; boundary=/);
  const multiBody = Buffer.from(await multi.arrayBuffer());
  assert.equal(Number(multi.headers.get('content-length')), multiBody.length);
  const head = await fetch(`${base}/memory`, { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(head.headers.get('content-length'), String(memoryBytes.length));
  assert.equal((await head.arrayBuffer()).byteLength, 0);
  const notModified = await fetch(`${base}/memory`, { headers: { 'If-None-Match': '"mem-1"' } });
  assert.equal(notModified.status, 304);
  assert.equal(notModified.headers.get('content-type'), null);
  assert.equal(notModified.headers.get('etag'), '"mem-1"');
});

test('headers already on res (gateway, mod_headers) stay unless the response sets them; a repeated name: the last wins', async () => {
  const response = await fetch(`${base}/preset`);
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('x-smoothgate'), 'handler');
  assert.equal(response.headers.get('cache-control'), 'last-wins');
  assert.equal(response.headers.get('x-extra'), 'kept');
  assert.ok(Buffer.from(await response.arrayBuffer()).equals(memoryBytes));
});

test('a client that stops reading and then leaves: its fds are closed', async () => {
  const fdsBefore = openFdCount();
  const { connect } = await import('node:net');
  const socket = connect(Number(new URL(base).port), '127.0.0.1');
  await new Promise<void>((resolve) => socket.once('connect', resolve));
  socket.write('GET /gen HTTP/1.1\r\nHost: x\r\n\r\n');
  let received = 0;
  socket.on('data', (chunk: Buffer) => {
    received += chunk.length;
    socket.pause();
  });
  await new Promise((r) => setTimeout(r, 300));
  assert.ok(received > 0);
  socket.destroy();
  for (let i = 0; i < 50 && openFdCount() > fdsBefore; i++) await new Promise((r) => setTimeout(r, 20));
  assert.ok(openFdCount() <= fdsBefore, `fds before ${fdsBefore}, after ${openFdCount()}`);
});

test('a 416 is logged with its reason (SG_ERR_STREAM_RANGE)', async (t) => {
  const logged: Array<Record<string, unknown>> = [];
  const logger = { warn: (fields: Record<string, unknown>) => logged.push(fields), error: (fields: Record<string, unknown>) => logged.push(fields) };
  const own = createServer((req, res) => void sendStreamResponse(req, res, inMemory, { logger }));
  await new Promise<void>((resolve) => own.listen(0, '127.0.0.1', resolve));
  t.after(() => own.close());
  const response = await fetch(`http://127.0.0.1:${(own.address() as AddressInfo).port}/`, { headers: { Range: `bytes=${memoryBytes.length}-` } });
  assert.equal(response.status, 416);
  await response.arrayBuffer();
  assert.deepEqual(logged.map((f) => f.code), ['SG_ERR_STREAM_RANGE']);
});

test('a FIFO in a plan does not block the open: the response ends (cut or error) at once', async (t) => {
  const fifo = makeFifo();
  t.after(() => fifo.release());
  const onFifo: StreamResponse = { ...generated, plan: makeBodyPlan([{ kind: 'file', path: fifo.path, offsetBytes: 0, lengthBytes: 10 }]) };
  const own = createServer((req, res) => void sendStreamResponse(req, res, onFifo));
  await new Promise<void>((resolve) => own.listen(0, '127.0.0.1', resolve));
  t.after(() => own.close());
  const port = (own.address() as AddressInfo).port;
  const ended = new Promise<void>((resolve) => {
    const req = httpRequest({ port, host: '127.0.0.1', path: '/', agent: false }, (res) => {
      res.on('data', () => {});
      res.on('end', resolve);
      res.on('error', () => resolve());
      res.on('aborted', () => resolve());
    });
    req.on('error', () => resolve());
    req.end();
  });
  await within(ended, 3000, 'a response whose plan names a FIFO');
});

test('one response object sent again and again (the prepared header block): whole, ranged, 304, whole, HEAD stay right', async () => {
  const whole = memoryBytes.length;
  for (let round = 0; round < 2; round++) {
    const plain = await fetch(`${base}/memory`);
    assert.equal(plain.status, 200);
    assert.equal(Number(plain.headers.get('content-length')), whole);
    assert.equal(plain.headers.get('etag'), '"mem-1"');
    assert.equal(plain.headers.get('content-range'), null);
    assert.ok(Buffer.from(await plain.arrayBuffer()).equals(memoryBytes));
    const ranged = await fetch(`${base}/memory`, { headers: { Range: 'bytes=5-9' } });
    assert.equal(ranged.status, 206);
    assert.equal(Number(ranged.headers.get('content-length')), 5);
    await ranged.arrayBuffer();
    const notModified = await fetch(`${base}/memory`, { headers: { 'If-None-Match': '"mem-1"' } });
    assert.equal(notModified.status, 304);
    assert.equal(notModified.headers.get('content-type'), null);
    const head = await fetch(`${base}/memory`, { method: 'HEAD' });
    assert.equal(Number(head.headers.get('content-length')), whole);
  }
});
