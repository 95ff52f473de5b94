/**
 * The progressive handler's statuses and headers (INTERFACE §5, §6; issue 3), over a bare node:http
 * server: 405/404/400/403/415, same-GOP and beyond-the-end 200s, adaptive, ignored keys, ETags.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXTURES } from '../helpers/media-tools';
import { startProgressiveServer, type TestServer } from '../helpers/progressive-server';
import { parseProgressiveQuery } from '../../src/streaming/progressive';
import { isSgError } from '../../src/errors';

let server: TestServer;
let root: string;
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'sg-handler-'));
  await copyFile(join(FIXTURES, 'bframes-2997-48k.mp4'), join(root, 'a.mp4'));
  await writeFile(join(root, 'text.mp4'), 'this is not an mp4 at all, just text\n');
  // A protected sample entry (ISO/IEC 14496-12 §8.12: 'encv' in place of 'avc1').
  const { readFile } = await import('node:fs/promises');
  const bytes = Buffer.from(await readFile(join(FIXTURES, 'bframes-2997-48k.mp4')));
  const stsd = bytes.indexOf('stsd');
  const entry = bytes.indexOf('avc1', stsd);
  bytes.write('encv', entry, 'latin1');
  await writeFile(join(root, 'encrypted.mp4'), bytes);
  server = await startProgressiveServer(root);
});
after(async () => {
  await server.close();
  await rm(root, { recursive: true, force: true });
});

async function get(path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${server.baseUrl}${path}`, init);
}

test('no start/end: the file as it is, with validators and X-Smoothgate', async () => {
  const response = await get('/a.mp4');
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('content-type'), 'video/mp4');
  assert.equal(response.headers.get('accept-ranges'), 'bytes');
  assert.match(response.headers.get('etag') ?? '', /^"[^"]+"$/);
  assert.ok(response.headers.get('last-modified'));
  assert.match(response.headers.get('x-smoothgate') ?? '', /^\d+\.\d+\.\d+/);
  const body = new Uint8Array(await response.arrayBuffer());
  const { readFile } = await import('node:fs/promises');
  assert.deepEqual(body, new Uint8Array(await readFile(join(root, 'a.mp4'))));
});

test('method other than GET/HEAD → 405 with Allow', async () => {
  const response = await get('/a.mp4?start=1', { method: 'POST', body: 'x' });
  assert.equal(response.status, 405);
  assert.equal(response.headers.get('allow'), 'GET, HEAD');
});

test('missing file → 404, logged', async () => {
  const before = server.logged.length;
  assert.equal((await get('/nope.mp4?start=1')).status, 404);
  assert.equal(server.logged[before]?.fields.code, 'SG_ERR_STREAM_NOT_FOUND');
});

for (const bad of ['start=abc', 'start=-1', 'start=1e3', 'start=', 'end=0x10', 'vbegin=+1', 'start=1,5', 'start=%31']) {
  test(`malformed number ${bad} → 400`, async () => {
    const before = server.logged.length;
    assert.equal((await get(`/a.mp4?${bad}`)).status, 400);
    assert.equal(server.logged[before]?.fields.code, 'SG_ERR_STREAM_BAD_PARAMETER');
    assert.equal(server.logged[before]?.level, 'warn');
  });
}

test('end ≤ start as given → 400', async () => {
  assert.equal((await get('/a.mp4?start=2&end=2')).status, 400);
  assert.equal((await get('/a.mp4?start=2&end=1.5')).status, 400);
});

test('start/end outside vbegin..vend → 403', async () => {
  assert.equal((await get('/a.mp4?vbegin=1&vend=2&start=1.5')).status, 403);
  assert.equal((await get('/a.mp4?vbegin=1&vend=2&start=0.2&end=1.5')).status, 403);
  assert.equal((await get('/a.mp4?vbegin=1&vend=3&start=0.5')).status, 200);
});

test('same GOP → 200 with that GOP; beyond the end → 200 with the last GOP', async () => {
  const sameGop = await get('/a.mp4?start=1.1&end=1.2');
  assert.equal(sameGop.status, 200);
  assert.ok((await sameGop.arrayBuffer()).byteLength > 1000);
  const beyond = await get('/a.mp4?start=100000');
  assert.equal(beyond.status, 200);
  assert.ok((await beyond.arrayBuffer()).byteLength > 1000);
});

test('decimals of any length', async () => {
  assert.equal((await get('/a.mp4?start=0.000001')).status, 200);
  assert.equal((await get('/a.mp4?start=1.00000000000000000000000000001')).status, 200);
  assert.equal((await get('/a.mp4?start=95.')).status, 200);
});

test('unknown keys ignored, keys exact (v=3 is no vbegin), client= accepted, no-= keys ignored', async () => {
  const plain = await get('/a.mp4?start=1.5');
  const withNoise = await get('/a.mp4?v=3&s=9&client=FLASH%20WIN&adaptive&start=1.5&startx=5');
  assert.equal(withNoise.status, 200);
  assert.equal(withNoise.headers.get('etag'), plain.headers.get('etag'));
  assert.deepEqual(new Uint8Array(await withNoise.arrayBuffer()), new Uint8Array(await plain.arrayBuffer()));
  const q = parseProgressiveQuery('v=3&adaptive&client=x');
  assert.equal(q.vbeginSec, undefined);
  assert.equal(q.adaptive, false);
});

test('generated body headers: video/mp4, Accept-Ranges, X-Smoothgate, strong stable ETag distinct per parameters', async () => {
  const a = await get('/a.mp4?start=1.5');
  const b = await get('/a.mp4?start=1.5');
  const c = await get('/a.mp4?start=2.5');
  const d = await get('/a.mp4?start=1.5&end=3');
  assert.equal(a.headers.get('content-type'), 'video/mp4');
  assert.equal(a.headers.get('accept-ranges'), 'bytes');
  assert.match(a.headers.get('x-smoothgate') ?? '', /^\d+\.\d+\.\d+/);
  assert.match(a.headers.get('etag') ?? '', /^"[A-Za-z0-9_-]+"$/);
  assert.equal(a.headers.get('etag'), b.headers.get('etag'));
  assert.notEqual(a.headers.get('etag'), c.headers.get('etag'));
  assert.notEqual(a.headers.get('etag'), d.headers.get('etag'));
  assert.notEqual(a.headers.get('etag'), (await get('/a.mp4')).headers.get('etag'));
});

test('adaptive: headers and moov only, with an empty mdat', async () => {
  const full = await get('/a.mp4?start=1.5');
  const adaptive = await get('/a.mp4?start=1.5&adaptive=0');
  assert.equal(adaptive.status, 200);
  const bytes = new Uint8Array(await adaptive.arrayBuffer());
  const fullBytes = new Uint8Array(await full.arrayBuffer());
  assert.ok(bytes.length < fullBytes.length / 4);
  const tail = Buffer.from(bytes.subarray(bytes.length - 8));
  assert.equal(tail.readUInt32BE(0), 8);
  assert.equal(tail.toString('latin1', 4, 8), 'mdat');
});

test('not an MP4 → 415 with the reason logged; never 500', async () => {
  const before = server.logged.length;
  const response = await get('/text.mp4?start=1');
  assert.equal(response.status, 415);
  assert.match(String(server.logged[before]?.fields.code), /^SG_ERR_MP4_/);
  // Without a cut the file is sent as it is (INTERFACE §5: `X.mp4` → the file).
  assert.equal((await get('/text.mp4')).status, 200);
});

test('HEAD answers the headers of GET without a body', async () => {
  const head = await get('/a.mp4?start=1.5', { method: 'HEAD' });
  const getResponse = await get('/a.mp4?start=1.5');
  assert.equal(head.status, 200);
  assert.equal(head.headers.get('content-length'), getResponse.headers.get('content-length'));
  assert.equal(head.headers.get('etag'), getResponse.headers.get('etag'));
  assert.equal((await head.arrayBuffer()).byteLength, 0);
});

test('query parser: first occurrence wins; errors carry the catalogue code', () => {
  assert.equal(parseProgressiveQuery('start=1&start=2').startSec?.units, 1n);
  try {
    parseProgressiveQuery('end=abc');
    assert.fail('expected an error');
  } catch (error) {
    assert.ok(isSgError(error));
    assert.equal(error.code, 'SG_ERR_STREAM_BAD_PARAMETER');
    assert.equal(error.httpStatus, 400);
  }
});

test('extraHeaders (CORS, Cache-Control from smoothgate.yaml) go on every answer, errors included', async () => {
  const { handleProgressive } = await import('../../src/streaming/progressive');
  const deps = { ...server.deps, extraHeaders: [['Access-Control-Allow-Origin', '*']] as Array<[string, string]> };
  const ok = await handleProgressive({ method: 'GET', filePath: join(root, 'a.mp4'), query: 'start=1' }, deps);
  const missing = await handleProgressive({ method: 'GET', filePath: join(root, 'none.mp4'), query: 'start=1' }, deps);
  assert.ok(ok.headers.some(([n, v]) => n === 'Access-Control-Allow-Origin' && v === '*'));
  assert.equal(missing.status, 404);
  assert.ok(missing.headers.some(([n]) => n === 'Access-Control-Allow-Origin'));
});

test('encrypted (encv/enca) sources → 415 SG_ERR_MP4_ENCRYPTED', async () => {
  const before = server.logged.length;
  assert.equal((await get('/encrypted.mp4?start=1')).status, 415);
  assert.equal(server.logged[before]?.fields.code, 'SG_ERR_MP4_ENCRYPTED');
});
