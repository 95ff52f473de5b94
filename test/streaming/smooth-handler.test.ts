/**
 * handleSmooth's statuses and headers (INTERFACE §5, §5.2, §5.4, §6) over a bare node:http server:
 * manifest on GET and HEAD with the configured Content-Type, CORS, Cache-Control, ETag, gzip; Url
 * templates per the URL the client asked for; fragments at and inside a chunk; 404 before/after,
 * 415 for a missing track type, 400 for malformed times, 405 with Allow, 404 for a missing file, 415
 * for a non-MP4.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { FIXTURES } from '../helpers/media-tools';
import { startSmoothServer, type SmoothTestServer } from '../helpers/smooth-server';
import { parseManifest } from '../helpers/smooth-init';
import { parseSmoothQuery, isSmoothQuery, handleSmooth } from '../../src/streaming/smooth';
import { isSgError } from '../../src/errors';
import { fileProgressiveDeps } from '../../src/http';

let server: SmoothTestServer;
let root: string;
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'sg-smooth-handler-'));
  await copyFile(join(FIXTURES, 'bframes-2997-48k.mp4'), join(root, 'a.mp4'));
  await copyFile(join(FIXTURES, 'video-only-24.mp4'), join(root, 'vo.mp4'));
  await writeFile(join(root, 'text.mp4'), 'this is not an mp4 at all, just text\n');
  server = await startSmoothServer(root);
});
after(async () => {
  await server.close();
  await rm(root, { recursive: true, force: true });
});

const get = (path: string, init: RequestInit = {}) => fetch(`${server.baseUrl}${path}`, init);

test('query keys: manifest, video/audio, video_<name>, exact keys, malformed times', () => {
  assert.deepEqual(parseSmoothQuery('manifest=1'), { kind: 'manifest' });
  assert.deepEqual(parseSmoothQuery('v=3&video=100'), { kind: 'fragment', type: 'video', key: 'video', timeHns: 100 });
  assert.deepEqual(parseSmoothQuery('audio_eng=5'), { kind: 'fragment', type: 'audio', key: 'audio_eng', timeHns: 5 });
  assert.deepEqual(parseSmoothQuery('start=3&vid=4&Manifest=1'), { kind: 'none' });
  assert.equal(parseSmoothQuery('video=99999999999999999999').kind, 'fragment');
  for (const bad of ['video=x', 'video=-1', 'video=1e3', 'video=', 'audio=1.5', 'video= 1']) {
    assert.throws(() => parseSmoothQuery(bad), (e: unknown) => isSgError(e) && e.code === 'SG_ERR_STREAM_BAD_PARAMETER', bad);
  }
  assert.equal(isSmoothQuery('start=1'), false);
  assert.equal(isSmoothQuery('video=x'), true);
});

test('manifest: content type on GET and HEAD, CORS, Cache-Control, validators, 304', async () => {
  const response = await get('/a.mp4?manifest=1');
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('content-type'), 'application/vnd.ms-sstr+xml');
  assert.equal(response.headers.get('access-control-allow-origin'), '*');
  assert.equal(response.headers.get('cache-control'), 'max-age=2');
  const etag = response.headers.get('etag');
  assert.match(etag ?? '', /^"[^"]+"$/);
  const xml = await response.text();
  const manifest = parseManifest(xml);
  assert.equal(manifest.attributes.MajorVersion, '2');
  assert.equal(manifest.streams.length, 2);
  const head = await get('/a.mp4?manifest=1', { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(head.headers.get('content-type'), 'application/vnd.ms-sstr+xml');
  const again = await get('/a.mp4?manifest=1', { headers: { 'If-None-Match': etag! } });
  assert.equal(again.status, 304);
});

test('manifest gzip when accepted, identical XML', async () => {
  const plain = await (await get('/a.mp4?manifest=1')).text();
  const response = await fetch(`${server.baseUrl}/a.mp4?manifest=1`, { headers: { 'Accept-Encoding': 'gzip' } });
  // fetch inflates transparently; read the raw header instead.
  assert.equal(response.headers.get('content-encoding'), 'gzip');
  assert.equal(await response.text(), plain);
  const deps = fileProgressiveDeps();
  const raw = await handleSmooth({ method: 'GET', filePath: join(root, 'a.mp4'), query: 'manifest=1', headers: { 'accept-encoding': 'gzip;q=0.5' } }, deps);
  const part = raw.plan!.parts[0]!;
  assert.equal(part.kind, 'memory');
  if (part.kind === 'memory') assert.equal(gunzipSync(part.bytes).toString('utf8'), plain);
  const refused = await handleSmooth({ method: 'GET', filePath: join(root, 'a.mp4'), query: 'manifest=1', headers: { 'accept-encoding': 'gzip;q=0' } }, deps);
  assert.ok(!refused.headers.some(([n]) => n === 'Content-Encoding'));
});

test('Url templates follow the URL the client asked for (INTERFACE §5.2)', async () => {
  const direct = parseManifest(await (await get('/a.mp4?manifest=1')).text());
  assert.deepEqual(direct.streams.map((s) => s.attributes.Url), ['a.mp4?video={start time}', 'a.mp4?audio={start time}']);
  const viaRule = parseManifest(await (await get('/a.ism/manifest?v=1')).text());
  assert.deepEqual(viaRule.streams.map((s) => s.attributes.Url), ['Fragments(video={start time})', 'Fragments(audio={start time})']);
  // Chunk lists: t on the first, d on all.
  for (const stream of viaRule.streams) {
    assert.equal(stream.chunks[0]!.t, 0);
    assert.ok(stream.chunks.every((c, i) => c.d !== undefined && (i === 0 || c.t === undefined)));
    assert.equal(stream.attributes.Chunks, String(stream.chunks.length));
  }
});

test('fragments: at a chunk start, inside a chunk, through the rule form; 404 outside', async () => {
  const manifest = parseManifest(await (await get('/a.mp4?manifest=1')).text());
  const video = manifest.streams.find((s) => s.attributes.Type === 'video')!;
  const at = await get(`/a.mp4?video=${video.startsHns[1]}`);
  assert.equal(at.status, 200);
  assert.equal(at.headers.get('content-type'), 'video/mp4');
  assert.equal(at.headers.get('access-control-allow-origin'), '*');
  assert.equal(at.headers.get('cache-control'), 'max-age=31536000, immutable');
  const bytes = new Uint8Array(await at.arrayBuffer());
  assert.equal(Buffer.from(bytes.subarray(4, 8)).toString('latin1'), 'moof');
  const inside = new Uint8Array(await (await get(`/a.mp4?video=${video.startsHns[1]! + 1234}`)).arrayBuffer());
  assert.deepEqual(inside, bytes);
  const viaRule = new Uint8Array(await (await get(`/a.ism/Fragments(video=${video.startsHns[1]})`)).arrayBuffer());
  assert.deepEqual(viaRule, bytes);
  const end = video.startsHns.at(-1)! + video.chunks.at(-1)!.d!;
  assert.equal((await get(`/a.mp4?video=${end}`)).status, 404);
  assert.equal((await get(`/a.mp4?video=${end - 1}`)).status, 200);
  assert.equal((await get('/a.mp4?video=99999999999999999999')).status, 404);
  const range = await get(`/a.mp4?video=${video.startsHns[1]}`, { headers: { Range: 'bytes=0-7' } });
  assert.equal(range.status, 206);
  assert.deepEqual(new Uint8Array(await range.arrayBuffer()), bytes.subarray(0, 8));
});

test('statuses: 415 missing track type, 400 malformed, 405, 404 missing file, 415 not an MP4', async () => {
  const noAudio = await get('/vo.mp4?audio=0');
  assert.equal(noAudio.status, 415);
  assert.equal(noAudio.headers.get('access-control-allow-origin'), '*');
  assert.equal((await get('/vo.mp4?video=0')).status, 200);
  assert.equal((await get('/a.mp4?video=abc')).status, 400);
  const post = await get('/a.mp4?manifest=1', { method: 'POST' });
  assert.equal(post.status, 405);
  assert.equal(post.headers.get('allow'), 'GET, HEAD');
  assert.equal((await get('/missing.mp4?manifest=1')).status, 404);
  assert.equal((await get('/text.mp4?manifest=1')).status, 415);
  const logged = server.logged.map((l) => l.fields.code);
  assert.ok(logged.includes('SG_ERR_STREAM_NO_TRACK') && logged.includes('SG_ERR_STREAM_BAD_PARAMETER') && logged.includes('SG_ERR_STREAM_NO_FRAGMENT'));
});

test('options: content type, CORS and Cache-Control come from the streaming keys', async () => {
  const deps = { ...fileProgressiveDeps(), smoothOptions: { manifestContentType: 'text/xml', corsAllowOrigin: null, cacheControlManifest: null } };
  const response = await handleSmooth({ method: 'GET', filePath: join(root, 'a.mp4'), query: 'manifest=1' }, deps);
  assert.equal(response.status, 200);
  const names = response.headers.map(([n]) => n);
  assert.ok(response.headers.some(([n, v]) => n === 'Content-Type' && v === 'text/xml'));
  assert.ok(!names.includes('Access-Control-Allow-Origin') && !names.includes('Cache-Control'));
});
