/**
 * ISMV passthrough (issue 5 "Fragments": original bytes passed through unless they need fixing;
 * src/streaming/smooth/ismv-passthrough.ts): a fragment of our mp4split's `.ismv`/`.isma` (track_ID 1,
 * timescale 10^7, data_offset, explicit flags, tfxd) is the file's own moof+mdat, byte for byte, and
 * FragmentInfo its moof; they decode behind an init segment built from the manifest. A fragment that
 * needs fixing is rebuilt: the audio of ffmpeg's muxed `-f ismv` file is track_ID 2 (the players'
 * synthesised init says 1), while its video (track 1) passes through.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeErrors } from '../helpers/media-tools';
import { makeRendition, runBin } from '../helpers/smooth-inputs';
import { makeSet2009 } from '../helpers/smooth-media';
import { writeIsmv2009 } from '../helpers/ismv-2009';
import { buildInitSegment, parseManifest, type ParsedManifest } from '../helpers/smooth-init';
import { startSmoothServer, type SmoothTestServer } from '../helpers/smooth-server';
import { indexMovie, openFileRangeSource } from '../helpers/mp4-exports';
import { singleMovieSet } from '../../src/streaming/smooth';
import { verbatimFragment } from '../../src/streaming/smooth/ismv-passthrough';
import { fragmentCount } from '../../src/streaming/smooth/timeline';

let root: string;
let www: string;
let server: SmoothTestServer;
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'sg-passthrough-'));
  www = join(root, 'www');
  await makeRendition(join(root, 'src.mp4'), { size: '160x90', bitrate: '120k', durationSec: 6, audio: true });
  const result = await runBin('mp4split', ['-q', '-o', join(www, 'p.ism'), '--bitrate', '120000', join(root, 'src.mp4')]);
  assert.equal(result.code, 0, result.stderr);
  // Mark every moof of our files (mfhd sequence_number 7000 + k; players ignore it), so a served
  // fragment shows whether it came from the file or was rebuilt (which numbers from 1).
  for (const name of (await readdir(www)).filter((n) => /^p_\d+\.ism[va]$/.test(n))) {
    const bytes = await readFile(join(www, name));
    for (let at = 0, k = 0; at + 8 <= bytes.length; at += bytes.readUInt32BE(at)) {
      if (bytes.toString('latin1', at + 4, at + 8) === 'moof') bytes.writeUInt32BE(7000 + k++, at + 20);
    }
    await writeFile(join(www, name), bytes);
  }
  await makeSet2009(www, 'ff', [{ bitrateBps: 150000, size: '160x90', withAudio: true }], { durationSec: 4 });
  server = await startSmoothServer(www);
});
after(async () => {
  await server.close();
  await rm(root, { recursive: true, force: true });
});

const get = (path: string) => fetch(`${server.baseUrl}${path}`);

async function manifestOf(path: string): Promise<ParsedManifest> {
  const response = await get(path);
  assert.equal(response.status, 200, path);
  return parseManifest(await response.text());
}

/** Every fragment of every level of a manifest: [stream type, bitrate, start, bytes, init]. */
async function* fragmentsOf(manifestPath: string, manifest: ParsedManifest): AsyncGenerator<{ type: string; bitrate: string; startHns: number; bytes: Buffer; init: Uint8Array }> {
  const base = manifestPath.slice(0, manifestPath.lastIndexOf('/') + 1);
  for (const stream of manifest.streams) {
    const type = stream.attributes.Type!;
    for (const level of stream.levels) {
      const init = buildInitSegment(stream, level, 10_000_000);
      for (const startHns of stream.startsHns) {
        const response = await get(`${base}QualityLevels(${level.attributes.Bitrate})/Fragments(${type}=${startHns})`);
        assert.equal(response.status, 200, `${type} ${level.attributes.Bitrate} @${startHns}`);
        yield { type, bitrate: level.attributes.Bitrate!, startHns, bytes: Buffer.from(await response.arrayBuffer()), init };
      }
    }
  }
}

async function decodes(dir: string, name: string, init: Uint8Array, bytes: Buffer): Promise<void> {
  const path = join(dir, `${name}.mp4`);
  await writeFile(path, Buffer.concat([init, bytes]));
  assert.equal(await decodeErrors(path), '', name);
}

test('fragments of our mp4split ISMV are the file\'s own moof+mdat bytes, FragmentInfo its moof, and they decode', async () => {
  const files = await Promise.all((await readdir(www)).filter((n) => /^p_\d+\.ism[va]$/.test(n)).map((n) => readFile(join(www, n))));
  const dir = await mkdtemp(join(tmpdir(), 'sg-passthrough-decode-'));
  try {
    const manifest = await manifestOf('/p.ism/Manifest');
    let count = 0;
    for await (const f of fragmentsOf('/p.ism/Manifest', manifest)) {
      assert.equal(f.bytes.toString('latin1', 4, 8), 'moof');
      assert.equal(f.bytes.toString('latin1', 12, 16), 'mfhd');
      assert.ok(f.bytes.readUInt32BE(20) >= 7000, `${f.type}@${f.startHns}: rebuilt, not passed through`);
      const file = files.find((bytes) => bytes.indexOf(f.bytes) >= 0);
      assert.ok(file, `${f.type}@${f.startHns}: not the file's bytes`);
      const moofBytes = f.bytes.readUInt32BE(0);
      const info = Buffer.from(await (await get(`/p.ism/QualityLevels(${f.bitrate})/FragmentInfo(${f.type}=${f.startHns})`)).arrayBuffer());
      assert.deepEqual(info, f.bytes.subarray(0, moofBytes));
      await decodes(dir, `p-${f.type}-${f.startHns}`, f.init, f.bytes);
      count++;
    }
    assert.ok(count >= 6, String(count));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a fragment that needs fixing is rebuilt (ffmpeg\'s muxed ISMV: audio is track 2), the rest passes through; all decode', async () => {
  const file = await readFile(join(www, 'ff.ism', 'ff_150000.ismv'));
  const dir = await mkdtemp(join(tmpdir(), 'sg-passthrough-ff-'));
  try {
    const manifest = await manifestOf('/ff.ism/manifest?v=1');
    const seen = { video: 0, audio: 0 };
    for await (const f of fragmentsOf('/ff.ism/manifest?v=1', manifest)) {
      const verbatim = file.indexOf(f.bytes) >= 0;
      assert.equal(verbatim, f.type === 'video', `${f.type}@${f.startHns}: verbatim ${verbatim}`);
      if (f.type === 'audio') assert.equal(f.bytes.readUInt32BE(f.bytes.indexOf('tfhd', 0, 'latin1') + 8), 1, 'rebuilt tfhd track_ID');
      await decodes(dir, `ff-${f.type}-${f.startHns}`, f.init, f.bytes);
      seen[f.type as 'video' | 'audio']++;
    }
    assert.ok(seen.video >= 2 && seen.audio >= 2, JSON.stringify(seen));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

async function setOf(path: string) {
  const source = await openFileRangeSource(path);
  try {
    return singleMovieSet(await indexMovie(source), path);
  } finally {
    await source.close();
  }
}

test('verbatimFragment: every fragment of our mp4split ISMV passes, ffmpeg\'s track-2 audio and the 2009 shape do not', async () => {
  // (An .isma viewed alone is cut every 2 s (INTERFACE §7), not at its moofs: the set view is test 1's.)
  for (const name of (await readdir(www)).filter((n) => /^p_\d+\.ismv$/.test(n))) {
    const set = await setOf(join(www, name));
    for (const level of [...set.video, ...set.audio]) {
      for (let k = 0; k < fragmentCount(level.timeline); k++) {
        const verbatim = verbatimFragment(level.timeline, k);
        assert.ok(verbatim && verbatim.lengthBytes > verbatim.moofBytes, `${name} fragment ${k}`);
      }
    }
  }
  const ff = await setOf(join(www, 'ff.ism', 'ff_150000.ismv'));
  assert.ok(verbatimFragment(ff.video[0]!.timeline, 0));
  assert.equal(verbatimFragment(ff.audio[0]!.timeline, 0), null);
  // The 2009 mp4split's files (no data_offset, no tfxd, sync flags wrong, Annex-B) are always rebuilt,
  // with PIFF uuid boxes or without.
  for (const piffUuids of [false, true]) {
    const old = join(root, `old-${piffUuids}.ismv`);
    await writeIsmv2009(join(root, 'src.mp4'), old, { handlers: ['vide'], piffUuids });
    const set = await setOf(old);
    for (let k = 0; k < fragmentCount(set.video[0]!.timeline); k++) assert.equal(verbatimFragment(set.video[0]!.timeline, k), null);
  }
  const oldAudio = join(root, 'old-audio.ismv');
  await writeIsmv2009(join(root, 'src.mp4'), oldAudio, { handlers: ['soun'], piffUuids: true });
  assert.equal(verbatimFragment((await setOf(oldAudio)).audio[0]!.timeline, 0), null);
});
