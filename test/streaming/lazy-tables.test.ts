/**
 * The tables only cuts and fragments need — ctts (composition offsets) and stsc over stco/co64
 * (sample offsets, chunks, sample descriptions) — are read on first use (src/mp4/track-index.ts;
 * a 2-hour source's first manifest must stay under 150 ms, INTERFACE §12). A broken one is then found
 * by the first request that needs it: the manifest, made from times and sizes, is answered; a cut and a
 * fragment are 415 (INTERFACE §6), never a 500 and never bytes from a wrong place.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXTURES } from '../helpers/media-tools';
import { indexMovie, openFileRangeSource, isSgError } from '../helpers/mp4-exports';
import { handleProgressive } from '../../src/streaming/progressive';
import { fileSmoothDeps, handleSmooth } from '../../src/streaming/smooth';

/** A copy of the B-frame fixture with `patch` applied to the payload of the first `type` box (after its full-box header). */
function patchedCopy(type: string, patch: (payload: Buffer) => void): string {
  const path = join(mkdtempSync(join(tmpdir(), 'sg-lazy-')), `${type}.mp4`);
  copyFileSync(join(FIXTURES, 'bframes-2997-48k.mp4'), path);
  const bytes = readFileSync(path);
  const at = bytes.indexOf(type);
  assert.ok(at > 4, `${type} present`);
  patch(bytes.subarray(at + 8));
  writeFileSync(path, bytes);
  return path;
}

// ctts: entry_count 1, so its runs cover a few samples of the track only.
const brokenCtts = (): string => patchedCopy('ctts', (p) => p.writeUInt32BE(1, 0));
// stsc: the first entry's first_chunk is 2 (ISO 14496-12 §8.7.4 requires 1).
const brokenStsc = (): string => patchedCopy('stsc', (p) => p.writeUInt32BE(2, 4));

for (const [name, make] of [['ctts', brokenCtts], ['stsc', brokenStsc]] as const) {
  test(`a broken ${name}: the index loads, the table throws SG_ERR_MP4_MALFORMED when first used`, async () => {
    const source = await openFileRangeSource(make());
    try {
      const movie = await indexMovie(source);
      const video = movie.tracks.find((t) => t.handlerType === 'vide')!;
      assert.ok(video.sampleCount > 0 && video.dtsTs.length === video.sampleCount + 1);
      const use = name === 'ctts' ? () => video.ctsOffsetTs : () => video.chunkDescriptionIndex;
      assert.throws(use, (e: unknown) => isSgError(e) && e.code === 'SG_ERR_MP4_MALFORMED');
      assert.throws(use, (e: unknown) => isSgError(e) && e.code === 'SG_ERR_MP4_MALFORMED', 'and again on the next use');
    } finally {
      await source.close();
    }
  });

  test(`a broken ${name}: manifest 200, a fragment and a ?start cut 415`, async () => {
    const filePath = make();
    const deps = fileSmoothDeps();
    const manifest = await handleSmooth({ method: 'GET', filePath, query: 'manifest=1' }, deps);
    assert.equal(manifest.status, 200);
    const text = Buffer.concat(manifest.plan!.parts.map((p) => (p.kind === 'memory' ? Buffer.from(p.bytes) : Buffer.alloc(0)))).toString();
    const start = /<c t="(\d+)"/.exec(text)?.[1];
    assert.ok(start !== undefined, text);
    const fragment = await handleSmooth({ method: 'GET', filePath, query: `video=${start}` }, deps);
    assert.equal(fragment.status, 415);
    const cut = await handleProgressive({ method: 'GET', filePath, query: 'start=0.5' }, deps);
    assert.equal(cut.status, 415);
  });
}

test('an intact source: the lazily read tables are built once and hold the B-frame offsets', async () => {
  const source = await openFileRangeSource(join(FIXTURES, 'bframes-2997-48k.mp4'));
  try {
    const movie = await indexMovie(source);
    const video = movie.tracks.find((t) => t.handlerType === 'vide')!;
    const cts = video.ctsOffsetTs!;
    assert.equal(cts.length, video.sampleCount);
    assert.ok(cts.some((v) => v !== 0), 'B-frames: some composition offsets are not 0');
    assert.equal(video.ctsOffsetTs, cts, 'built once');
    assert.equal(video.chunkDescriptionIndex[0], 1);
    assert.equal(video.offsetBytes.length, video.sampleCount);
  } finally {
    await source.close();
  }
});
