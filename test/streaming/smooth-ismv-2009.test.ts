/**
 * `.ismv` files as the 2009 CodeShop mp4split wrote them (issue 5 "Sources"; SPEC-NOTES §1.3 "What
 * mp4split 2.2 writes as .ismv", §1.4 F1, F2, F4, F8), made at test time by test/helpers/ismv-2009.ts:
 * no mvex/trex, no data_offset, every frame flagged sync, Annex-B samples with SPS/PPS in front of each
 * fragment, tfra version 1 — with and without avcC, with PIFF uuid boxes, with 3-byte start codes. The
 * reader indexes them, the manifest carries Annex-B CodecPrivateData and the source's chunk list, every
 * fragment decodes behind an init segment built from the manifest with length-prefixed samples equal to
 * the source's, and the 2009 layout of such files works through the seed's rules with the statuses of
 * INTERFACE §6.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeErrors, probe } from '../helpers/media-tools';
import { makeSmoothTestMedia } from '../helpers/smooth-media';
import { makeRendition } from '../helpers/smooth-inputs';
import { writeIsmv2009 } from '../helpers/ismv-2009';
import { buildInitSegment, parseManifest, type ParsedManifest } from '../helpers/smooth-init';
import { startSmoothServer, type SmoothTestServer } from '../helpers/smooth-server';
import { indexMovie, openFileRangeSource } from '../helpers/mp4-exports';
import { writeServerManifest } from '../../src/streaming/smooth';

let root: string;
let server: SmoothTestServer;
const VARIANTS = {
  avcc: {},
  noavcc: { keepAvcC: false, piffUuids: true },
  sc3: { startCodeBytes: 3 },
} as const;

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'sg-ismv2009-'));
  await makeSmoothTestMedia(join(root, 'src.mp4'), { durationSec: 6 });
  for (const [name, options] of Object.entries(VARIANTS)) await writeIsmv2009(join(root, 'src.mp4'), join(root, `${name}.ismv`), options);
  await writeIsmv2009(join(root, 'src.mp4'), join(root, 'vonly.ismv'), { handlers: ['vide'] });
  // The 2009 layout as that tool filled it: the same audio muxed into every rendition.
  await Promise.all([
    makeRendition(join(root, 'lo.mp4'), { size: '160x90', bitrate: '90k', durationSec: 4, audio: true }),
    makeRendition(join(root, 'hi.mp4'), { size: '320x180', bitrate: '200k', durationSec: 4, audio: true }),
  ]);
  await mkdir(join(root, 'old.ism'));
  await writeIsmv2009(join(root, 'lo.mp4'), join(root, 'old.ism', 'old_90000.ismv'));
  await writeIsmv2009(join(root, 'hi.mp4'), join(root, 'old.ism', 'old_200000.ismv'));
  // The IIS layout over a 2009 file: a SMIL naming its video (track 1) and audio (track 2).
  await writeFile(join(root, 'iis.ism'), writeServerManifest([
    { type: 'video', src: 'noavcc.ismv', systemBitrateBps: 300000, trackId: 1 },
    { type: 'audio', src: 'noavcc.ismv', systemBitrateBps: 64000, trackId: 2 },
  ], 'iis.ismc'));
  server = await startSmoothServer(root);
});
after(async () => {
  await server.close();
  await rm(root, { recursive: true, force: true });
});

const get = (path: string) => fetch(`${server.baseUrl}${path}`);

async function index(path: string) {
  const source = await openFileRangeSource(path);
  try {
    return await indexMovie(source);
  } finally {
    await source.close();
  }
}

async function manifestOf(path: string): Promise<ParsedManifest> {
  const response = await get(path);
  assert.equal(response.status, 200, `${path}: ${response.status}`);
  return parseManifest(await response.text());
}

test('reader: a 2009 ISMV indexes as fragmented without mvex, Annex-B video, keyframes at its fragment starts', async () => {
  const plain = await index(join(root, 'src.mp4'));
  const plainVideo = plain.tracks.find((t) => t.handlerType === 'vide')!;
  const plainAudio = plain.tracks.find((t) => t.handlerType === 'soun')!;
  for (const name of Object.keys(VARIANTS)) {
    const path = join(root, `${name}.ismv`);
    const movie = await index(path);
    assert.equal(movie.fragmented, true, name);
    const video = movie.tracks.find((t) => t.handlerType === 'vide')!;
    const audio = movie.tracks.find((t) => t.handlerType === 'soun')!;
    assert.equal(video.annexB, true, name);
    assert.ok(!audio.annexB, name);
    assert.equal(video.timescale, 10_000_000);
    assert.equal(video.sampleCount, plainVideo.sampleCount, name);
    assert.equal(audio.sampleCount, plainAudio.sampleCount, name);
    // Every frame claims sync in the file (F4); the index takes the fragment starts, the source's keyframes.
    assert.deepEqual(Array.from(video.syncSamples!), Array.from(plainVideo.syncSamples!), name);
    // No data_offset (F2): the first sample is read from the mdat after the moof, not from the moof.
    const bytes = await readFile(path);
    const at = video.offsetBytes[0]!;
    assert.equal(bytes.toString('latin1', at - 4, at), 'mdat', name);
    assert.ok(bytes[at] === 0 && bytes[at + 1] === 0 && (bytes[at + 2] === 1 || bytes[at + 3] === 1), name);
    // The avcC (kept, or rebuilt from the samples) says 4-byte lengths: the reframed samples' form.
    assert.equal(video.codecs[0]!.decoderConfigRecord![4]! & 3, 3, name);
  }
});

test('manifest of a 2009 ISMV: Annex-B CodecPrivateData from avcC or from the samples, the source\'s chunk list', async () => {
  const source = await manifestOf('/src.mp4?manifest=1');
  const sourceVideo = source.streams.find((s) => s.attributes.Type === 'video')!;
  const sourceAudio = source.streams.find((s) => s.attributes.Type === 'audio')!;
  for (const name of Object.keys(VARIANTS)) {
    const manifest = await manifestOf(`/${name}.ismv?manifest=1`);
    const video = manifest.streams.find((s) => s.attributes.Type === 'video')!;
    const audio = manifest.streams.find((s) => s.attributes.Type === 'audio')!;
    assert.equal(video.levels[0]!.attributes.FourCC, 'H264');
    assert.equal(video.levels[0]!.attributes.CodecPrivateData, sourceVideo.levels[0]!.attributes.CodecPrivateData, name);
    assert.match(video.levels[0]!.attributes.CodecPrivateData!, /^00000001[0-9A-F]7/);
    assert.deepEqual(video.startsHns, sourceVideo.startsHns, name);
    assert.deepEqual(video.chunks.map((c) => c.d), sourceVideo.chunks.map((c) => c.d), name);
    assert.equal(audio.chunks.length, sourceAudio.chunks.length, name);
    assert.equal(audio.levels[0]!.attributes.CodecPrivateData, sourceAudio.levels[0]!.attributes.CodecPrivateData, name);
  }
});

test('every fragment of a 2009 ISMV decodes behind a manifest-built init, samples length-prefixed and equal to the source\'s', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'sg-ismv2009-decode-'));
  try {
    const sourcePackets = (await probe(join(root, 'src.mp4'))).packets;
    for (const name of Object.keys(VARIANTS)) {
      const manifest = await manifestOf(`/${name}.ismv?manifest=1`);
      for (const stream of manifest.streams) {
        const type = stream.attributes.Type!;
        const init = buildInitSegment(stream, stream.levels[0]!, 10_000_000);
        const fragments: Buffer[] = [];
        const firstPackets = new Set<number>();
        let packetCount = 0;
        for (const startHns of stream.startsHns) {
          const response = await get(`/${name}.ismv?${type}=${startHns}`);
          assert.equal(response.status, 200, `${name} ${type}=${startHns}`);
          const bytes = Buffer.from(await response.arrayBuffer());
          if (type === 'video') {
            // Players read 4-byte NAL lengths (SPEC-NOTES §2.3): no start code may reach them.
            const payload = bytes.indexOf('mdat', 0, 'latin1') + 4;
            assert.notDeepEqual(bytes.subarray(payload, payload + 4), Buffer.of(0, 0, 0, 1), `${name} ${type}=${startHns}`);
            assert.notDeepEqual(bytes.subarray(payload, payload + 3), Buffer.of(0, 0, 1), `${name} ${type}=${startHns}`);
          }
          const one = join(dir, `${name}-${type}-${startHns}.mp4`);
          await writeFile(one, Buffer.concat([init, bytes]));
          assert.equal(await decodeErrors(one), '', `${name} ${type}=${startHns}`);
          firstPackets.add(packetCount);
          packetCount += (await probe(one)).packets.length;
          fragments.push(bytes);
        }
        const joined = join(dir, `${name}-${type}.mp4`);
        await writeFile(joined, Buffer.concat([init, ...fragments]));
        const got = (await probe(joined)).packets;
        const expected = sourcePackets.filter((p) => p.codecType === type);
        assert.equal(got.length, expected.length, `${name} ${type}: packet count`);
        // The writer put SPS/PPS in front of each fragment's first sample; every other sample is the
        // source's, byte for byte, once reframed.
        const differing = got.map((p, i) => (p.hash === expected[i]!.hash ? -1 : i)).filter((i) => i >= 0);
        for (const i of differing) assert.ok(type === 'video' && firstPackets.has(i), `${name} ${type}: packet ${i} differs from the source`);
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('2009 layout of 2009-written files through the seed rules: levels, every fragment decodes, statuses', async () => {
  const manifest = await manifestOf('/old.ism/manifest?v=1');
  const video = manifest.streams.find((s) => s.attributes.Type === 'video')!;
  const audio = manifest.streams.find((s) => s.attributes.Type === 'audio')!;
  assert.deepEqual(video.levels.map((l) => l.attributes.Bitrate), ['90000', '200000']);
  assert.deepEqual(audio.levels.map((l) => l.attributes.Bitrate), ['90000']);
  assert.equal(video.chunks.length, 2);
  const dir = await mkdtemp(join(tmpdir(), 'sg-ismv2009-set-'));
  try {
    for (const stream of [video, audio]) {
      const type = stream.attributes.Type!;
      for (const level of stream.levels) {
        const init = buildInitSegment(stream, level, 10_000_000);
        for (const startHns of stream.startsHns) {
          const response = await get(`/old.ism/QualityLevels(${level.attributes.Bitrate})/Fragments(${type}=${startHns})`);
          assert.equal(response.status, 200, `${type} ${level.attributes.Bitrate} @${startHns}`);
          const path = join(dir, `${type}-${level.attributes.Bitrate}-${startHns}.mp4`);
          await writeFile(path, Buffer.concat([init, Buffer.from(await response.arrayBuffer())]));
          assert.equal(await decodeErrors(path), '', path);
        }
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const at = Buffer.from(await (await get(`/old.ism/old_200000.ismv?video=${video.startsHns[1]}`)).arrayBuffer());
  const inside = Buffer.from(await (await get(`/old.ism/old_200000.ismv?video=${video.startsHns[1]! + 7}`)).arrayBuffer());
  assert.ok(at.length > 0);
  assert.deepEqual(inside, at);
  const end = video.startsHns.at(-1)! + video.chunks.at(-1)!.d!;
  assert.equal((await get(`/old.ism/old_200000.ismv?video=${end}`)).status, 404);
  assert.equal((await get('/old.ism/QualityLevels(12345)/Fragments(video=0)')).status, 404);
  assert.equal((await get('/old.ism/old_90000.ismv?video=zz')).status, 400);
  assert.equal((await get('/vonly.ismv?audio=0')).status, 415);
  assert.equal((await get('/vonly.ismv?video=0')).status, 200);
});

test('a progressive cut of a 2009 ISMV (Annex-B samples) answers 415, not an MP4 whose avc1 samples are start codes', async () => {
  const response = await get('/avcc.ismv?start=2');
  assert.equal(response.status, 415);
  assert.ok(server.logged.some((l) => l.fields.code === 'SG_ERR_MP4_UNSUPPORTED'), JSON.stringify(server.logged.map((l) => l.fields.code)));
});

test('IIS layout over a 2009 ISMV: Fragments decode, FragmentInfo is the moof of the reframed fragment', async () => {
  const manifest = await manifestOf('/iis.ism/Manifest');
  const video = manifest.streams.find((s) => s.attributes.Type === 'video')!;
  assert.equal(video.attributes.Url, 'QualityLevels({bitrate})/Fragments(video={start time})');
  const init = buildInitSegment(video, video.levels[0]!, 10_000_000);
  const dir = await mkdtemp(join(tmpdir(), 'sg-ismv2009-iis-'));
  try {
    for (const startHns of video.startsHns) {
      const fragment = Buffer.from(await (await get(`/iis.ism/QualityLevels(300000)/Fragments(video=${startHns})`)).arrayBuffer());
      const info = Buffer.from(await (await get(`/iis.ism/QualityLevels(300000)/FragmentInfo(video=${startHns})`)).arrayBuffer());
      assert.deepEqual(info, fragment.subarray(0, fragment.readUInt32BE(0)), `FragmentInfo @${startHns}`);
      const path = join(dir, `${startHns}.mp4`);
      await writeFile(path, Buffer.concat([init, fragment]));
      assert.equal(await decodeErrors(path), '', path);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
