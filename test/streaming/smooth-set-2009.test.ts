/**
 * The 2009 layout (INTERFACE §5, §5.2, §5.3, §6): `X.mp4?manifest=1` lists the `X.ism/X_<bitrate>.ismv`
 * files (even without X.mp4) as QualityLevels sorted by bitrate with chunk lists; audio muxed into every
 * file is listed once with the lowest N, audio in its own file gets that file's N; fragments of every
 * level decode behind an init segment built from the manifest; unknown bitrate → 404; a time inside a
 * fragment → that fragment; unaligned keyframes and encrypted sources → 415.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeErrors } from '../helpers/media-tools';
import { makeSet2009 } from '../helpers/smooth-media';
import { startSmoothServer, type SmoothTestServer } from '../helpers/smooth-server';
import { buildInitSegment, parseManifest } from '../helpers/smooth-init';

let server: SmoothTestServer;
let root: string;
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'sg-smooth-2009-'));
  await Promise.all([
    // 2009 mp4split style: the same audio in every file; no muxed.mp4 beside the folder.
    makeSet2009(root, 'muxed', [{ bitrateBps: 150000, size: '160x90', withAudio: true }, { bitrateBps: 90000, size: '128x72', withAudio: true }], { durationSec: 4 }),
    // our mp4split --layout 2009 style: audio in its own file.
    makeSet2009(root, 'split', [{ bitrateBps: 150000, size: '160x90' }, { bitrateBps: 90000, size: '128x72' }], { durationSec: 4, audioFileBitrateBps: 64000 }),
    makeSet2009(root, 'unaligned', [{ bitrateBps: 150000, size: '160x90', gopFrames: 50 }, { bitrateBps: 90000, size: '128x72', gopFrames: 40 }], { durationSec: 4 }),
    makeSet2009(root, 'enc', [{ bitrateBps: 150000, size: '160x90', encrypted: true }], { durationSec: 2 }),
  ]);
  await writeFile(join(root, 'muxed.ism', 'notes.txt'), 'not a rendition');
  server = await startSmoothServer(root);
});
after(async () => {
  await server.close();
  await rm(root, { recursive: true, force: true });
});

const get = (path: string) => fetch(`${server.baseUrl}${path}`);

test('muxed set: levels sorted by bitrate, one audio level with the lowest N, chunk lists, both Url forms', async () => {
  const response = await get('/muxed.ism/manifest?v=1');
  assert.equal(response.status, 200);
  const manifest = parseManifest(await response.text());
  const video = manifest.streams.find((s) => s.attributes.Type === 'video')!;
  const audio = manifest.streams.find((s) => s.attributes.Type === 'audio')!;
  assert.deepEqual(video.levels.map((l) => l.attributes.Bitrate), ['90000', '150000']);
  assert.deepEqual(video.levels.map((l) => l.attributes.Index), ['0', '1']);
  assert.deepEqual(audio.levels.map((l) => l.attributes.Bitrate), ['90000']);
  assert.equal(video.attributes.Url, 'QualityLevels({bitrate})/Fragments(video={start time})');
  assert.equal(video.attributes.MaxWidth, '160');
  assert.equal(video.chunks[0]!.t, 0);
  assert.equal(video.chunks.length, 2);
  assert.equal(audio.chunks.length, 2);
  const direct = parseManifest(await (await get('/muxed.mp4?manifest=1')).text());
  assert.deepEqual(direct.streams.map((s) => s.attributes.Url), ['muxed.ism/muxed_{bitrate}.ismv?video={start time}', 'muxed.ism/muxed_{bitrate}.ismv?audio={start time}']);
});

test('split set: audio in its own file is listed with that file\'s N', async () => {
  const manifest = parseManifest(await (await get('/split.mp4?manifest=1')).text());
  const audio = manifest.streams.find((s) => s.attributes.Type === 'audio')!;
  const video = manifest.streams.find((s) => s.attributes.Type === 'video')!;
  assert.deepEqual(audio.levels.map((l) => l.attributes.Bitrate), ['64000']);
  assert.deepEqual(video.levels.map((l) => l.attributes.Bitrate), ['90000', '150000']);
  assert.equal((await get(`/split.ism/split_64000.ismv?audio=${audio.startsHns[1]}`)).status, 200);
  assert.equal((await get('/split.ism/split_90000.ismv?audio=0')).status, 415);
});

test('every fragment of every level decodes behind an init segment built from the manifest', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'sg-smooth-2009-decode-'));
  try {
    for (const name of ['muxed', 'split']) {
      const manifest = parseManifest(await (await get(`/${name}.ism/manifest?v=1`)).text());
      for (const stream of manifest.streams) {
        const type = stream.attributes.Type!;
        for (const level of stream.levels) {
          const init = buildInitSegment(stream, level, 10_000_000);
          for (const startHns of stream.startsHns) {
            const response = await get(`/${name}.ism/QualityLevels(${level.attributes.Bitrate})/Fragments(${type}=${startHns})`);
            assert.equal(response.status, 200, `${name} ${type} ${level.attributes.Bitrate} @${startHns}`);
            const path = join(dir, `${name}-${type}-${level.attributes.Bitrate}-${startHns}.mp4`);
            await writeFile(path, Buffer.concat([init, Buffer.from(await response.arrayBuffer())]));
            assert.equal(await decodeErrors(path), '', path);
          }
        }
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('fragment statuses: inside a fragment, before/after, unknown bitrate, unaligned, encrypted', async () => {
  const manifest = parseManifest(await (await get('/muxed.mp4?manifest=1')).text());
  const video = manifest.streams.find((s) => s.attributes.Type === 'video')!;
  const at = new Uint8Array(await (await get(`/muxed.ism/muxed_150000.ismv?video=${video.startsHns[1]}`)).arrayBuffer());
  const inside = new Uint8Array(await (await get(`/muxed.ism/muxed_150000.ismv?video=${video.startsHns[1]! + 5}`)).arrayBuffer());
  assert.ok(at.length > 0);
  assert.deepEqual(inside, at);
  const end = video.startsHns.at(-1)! + video.chunks.at(-1)!.d!;
  assert.equal((await get(`/muxed.ism/muxed_150000.ismv?video=${end}`)).status, 404);
  assert.equal((await get('/muxed.ism/QualityLevels(123)/Fragments(video=0)')).status, 404);
  assert.equal((await get('/muxed.ism/muxed_150000.ismv?video=zz')).status, 400);
  const unaligned = await get('/unaligned.mp4?manifest=1');
  assert.equal(unaligned.status, 415);
  assert.equal((await get('/enc.mp4?manifest=1')).status, 415);
  const codes = server.logged.map((l) => l.fields.code);
  assert.ok(codes.includes('SG_ERR_STREAM_UNALIGNED') && codes.includes('SG_ERR_MP4_ENCRYPTED'), JSON.stringify(codes));
});
