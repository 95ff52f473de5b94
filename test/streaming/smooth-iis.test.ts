/**
 * The IIS layout through handleIis (INTERFACE §5, §6; SPEC-NOTES §2.6): a SMIL `X.ism` written by our
 * mp4split, reached by path info with no rule — `/Manifest` in any case, `QualityLevels(N)/Fragments(…)`
 * and `FragmentInfo(…)` (the moof alone), the original's `X.ism?bitrate=N&video=T` — every fragment of
 * every level decodes behind an init segment built from the manifest; 404 for unknown bitrate, track
 * name, path or source file; 400 for malformed numbers; a SMIL naming a missing file → 404, and one
 * whose src leaves its folder → 404 (never the file outside).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeErrors } from '../helpers/media-tools';
import { makeRendition, runBin } from '../helpers/smooth-inputs';
import { buildInitSegment, parseManifest } from '../helpers/smooth-init';
import { startSmoothServer, type SmoothTestServer } from '../helpers/smooth-server';
import { parseIisTarget, sourcePathOf } from '../../src/streaming/smooth';

let dir: string;
let server: SmoothTestServer;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sg-iis-'));
  await Promise.all([
    makeRendition(join(dir, 'lo.mp4'), { size: '160x90', bitrate: '80k', durationSec: 4, audio: true }),
    makeRendition(join(dir, 'hi.mp4'), { size: '320x180', bitrate: '200k', durationSec: 4 }),
  ]);
  const result = await runBin('mp4split', ['-q', '-o', join(dir, 'www', 'v.ism'), '--bitrate', '80000', '--bitrate', '200000', join(dir, 'lo.mp4'), join(dir, 'hi.mp4')]);
  assert.equal(result.code, 0, result.stderr);
  await writeFile(join(dir, 'www', 'broken.ism'), '<smil><body><switch><video src="gone.ismv" systemBitrate="1000"/></switch></body></smil>');
  await writeFile(join(dir, 'www', 'nonsense.ism'), 'not xml at all');
  // lo.mp4 sits beside www/, outside the served folder: a crafted .ism must not reach it.
  const smilNaming = (src: string) => `<smil><body><switch><video src="${src}" systemBitrate="80000"/></switch></body></smil>`;
  await writeFile(join(dir, 'www', 'climbs.ism'), smilNaming('../lo.mp4'));
  await writeFile(join(dir, 'www', 'climbs-backslash.ism'), smilNaming('..\\lo.mp4'));
  await writeFile(join(dir, 'www', 'absolute.ism'), smilNaming(join(dir, 'lo.mp4')));
  server = await startSmoothServer(join(dir, 'www'));
});
after(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

const get = (path: string, init: RequestInit = {}) => fetch(`${server.baseUrl}${path}`, init);

test('path info forms', () => {
  assert.deepEqual(parseIisTarget('/Manifest', ''), { kind: 'manifest' });
  assert.deepEqual(parseIisTarget('/manifest', ''), { kind: 'manifest' });
  assert.deepEqual(parseIisTarget('/QualityLevels(300000,Compatibility=Desktop)/Fragments(video_eng=12)', ''), { kind: 'fragment', bitrateBps: 300000, type: 'video', timeHns: 12, infoOnly: false });
  assert.deepEqual(parseIisTarget('/QualityLevels(1)/FragmentInfo(audio=0)', ''), { kind: 'fragment', bitrateBps: 1, type: 'audio', timeHns: 0, infoOnly: true });
  assert.deepEqual(parseIisTarget('', 'bitrate=5&video=7'), { kind: 'fragment', bitrateBps: 5, type: 'video', timeHns: 7, infoOnly: false });
  assert.deepEqual(parseIisTarget('/Other', ''), { kind: 'unknown' });
  assert.deepEqual(parseIisTarget('/QualityLevels(1)/Fragments(text=0)', ''), { kind: 'unknown' });
});

test('manifest in any case, on GET and HEAD, with the set Url template', async () => {
  for (const path of ['/v.ism/Manifest', '/v.ism/manifest', '/v.ism/MANIFEST']) {
    const response = await get(path);
    assert.equal(response.status, 200, path);
    assert.equal(response.headers.get('content-type'), 'application/vnd.ms-sstr+xml');
    const manifest = parseManifest(await response.text());
    assert.equal(manifest.streams[0]!.attributes.Url, 'QualityLevels({bitrate})/Fragments(video={start time})');
  }
  const head = await get('/v.ism/Manifest', { method: 'HEAD' });
  assert.equal(head.headers.get('content-type'), 'application/vnd.ms-sstr+xml');
  assert.equal(head.headers.get('access-control-allow-origin'), '*');
});

test('every fragment of every level decodes; FragmentInfo is the moof alone', async () => {
  const manifest = parseManifest(await (await get('/v.ism/Manifest')).text());
  const work = await mkdtemp(join(tmpdir(), 'sg-iis-decode-'));
  try {
    for (const stream of manifest.streams) {
      const type = stream.attributes.Type!;
      for (const level of stream.levels) {
        const init = buildInitSegment(stream, level, 10_000_000);
        for (const startHns of stream.startsHns) {
          const response = await get(`/v.ism/QualityLevels(${level.attributes.Bitrate})/Fragments(${type}=${startHns})`);
          assert.equal(response.status, 200);
          const bytes = Buffer.from(await response.arrayBuffer());
          const path = join(work, `${type}-${level.attributes.Bitrate}-${startHns}.mp4`);
          await writeFile(path, Buffer.concat([init, bytes]));
          assert.equal(await decodeErrors(path), '', path);
          const info = Buffer.from(await (await get(`/v.ism/QualityLevels(${level.attributes.Bitrate})/FragmentInfo(${type}=${startHns})`)).arrayBuffer());
          assert.equal(info.toString('latin1', 4, 8), 'moof');
          assert.equal(info.readUInt32BE(0), info.length);
          assert.deepEqual(info, bytes.subarray(0, info.length));
        }
      }
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
});

test('statuses: unknown bitrate/name/path/file 404, malformed 400, query form, 405', async () => {
  assert.equal((await get('/v.ism/QualityLevels(12345)/Fragments(video=0)')).status, 404);
  assert.equal((await get('/v.ism/QualityLevels(200000)/Fragments(text=0)')).status, 404);
  assert.equal((await get('/v.ism/QualityLevels(200000)/Fragments(video=999999999999)')).status, 404);
  assert.equal((await get('/v.ism/Something')).status, 404);
  assert.equal((await get('/v.ism/QualityLevels(200000)/Fragments(video=x)')).status, 400);
  assert.equal((await get('/v.ism/QualityLevels(abc)/Fragments(video=0)')).status, 400);
  assert.equal((await get('/v.ism?bitrate=200000&video=0')).status, 200);
  assert.equal((await get('/v.ism/Manifest', { method: 'DELETE' })).status, 405);
  assert.equal((await get('/broken.ism/Manifest')).status, 404);
  assert.equal((await get('/nonsense.ism/Manifest')).status, 404);
});

test('a server manifest whose src leaves its folder is refused, never served', async () => {
  for (const name of ['climbs', 'climbs-backslash', 'absolute']) {
    const manifest = await get(`/${name}.ism/Manifest`);
    assert.equal(manifest.status, 404, name);
    await manifest.arrayBuffer();
    const fragment = await get(`/${name}.ism/QualityLevels(80000)/Fragments(video=0)`);
    assert.equal(fragment.status, 404, name);
    await fragment.arrayBuffer();
  }
  assert.equal(sourcePathOf('/srv/v', 'sub/a.ismv', 'x.ism'), join('/srv/v', 'sub', 'a.ismv'));
  assert.throws(() => sourcePathOf('/srv/v', 'a\u0000.ismv', 'x.ism'), { code: 'SG_ERR_STREAM_SERVER_MANIFEST' });
  assert.throws(() => sourcePathOf('/srv/v', 'sub/../../v2/a.ismv', 'x.ism'), { code: 'SG_ERR_STREAM_SERVER_MANIFEST' });
});
