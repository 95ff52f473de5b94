/**
 * A source whose mdat was cut short (an interrupted upload): its moov is whole, so the manifest is
 * answered from times and sizes alone, while every request that needs sample bytes — a progressive
 * cut, a fragment — is a 415 naming the truncation (INTERFACE §6), never bytes read past the end.
 * The per-sample offsets are built on first use (src/mp4/track-index.ts), so this is where the
 * check happens now.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, copyFileSync, mkdtempSync, openSync, readFileSync, statSync, truncateSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXTURES } from '../helpers/media-tools';
import { indexMovie, openFileRangeSource, isSgError } from '../helpers/mp4-exports';
import { handleProgressive } from '../../src/streaming/progressive';
import { fileSmoothDeps, handleSmooth } from '../../src/streaming/smooth';

function truncatedCopy(): string {
  const path = join(mkdtempSync(join(tmpdir(), 'sg-trunc-')), 'cut.mp4');
  copyFileSync(join(FIXTURES, 'bframes-2997-48k.mp4'), path);
  // The fixture is ftyp, moov, free, mdat: dropping the tail leaves the moov whole. The mdat's size
  // becomes 0 ("extends to the end of the file", ISO 14496-12 §4.2), as a writer that never came
  // back to patch it leaves it, so only the sample offsets can tell the samples are missing.
  const mdatAt = readFileSync(path).indexOf('mdat') - 4;
  assert.ok(mdatAt > 0);
  const fd = openSync(path, 'r+');
  writeSync(fd, Buffer.alloc(4), 0, 4, mdatAt);
  closeSync(fd);
  truncateSync(path, statSync(path).size - 4000);
  return path;
}

test('a truncated mdat: the index loads, the sample offsets refuse with SG_ERR_MP4_TRUNCATED', async () => {
  const source = await openFileRangeSource(truncatedCopy());
  try {
    const movie = await indexMovie(source);
    const video = movie.tracks.find((t) => t.handlerType === 'vide')!;
    assert.ok(video.sampleCount > 0);
    assert.throws(() => video.offsetBytes, (e: unknown) => isSgError(e) && e.code === 'SG_ERR_MP4_TRUNCATED');
  } finally {
    await source.close();
  }
});

test('a truncated mdat: manifest 200, the last fragment and a ?start cut 415', async () => {
  const filePath = truncatedCopy();
  const deps = fileSmoothDeps();
  const manifest = await handleSmooth({ method: 'GET', filePath, query: 'manifest=1' }, deps);
  assert.equal(manifest.status, 200);
  const text = Buffer.concat(manifest.plan!.parts.map((p) => (p.kind === 'memory' ? Buffer.from(p.bytes) : Buffer.alloc(0)))).toString();
  const starts = [...text.matchAll(/<c t="(\d+)"/g)].map((m) => m[1]);
  assert.ok(starts.length > 0, text);
  const cut = await handleProgressive({ method: 'GET', filePath, query: 'start=0.5' }, deps);
  assert.equal(cut.status, 415);
  const fragment = await handleSmooth({ method: 'GET', filePath, query: `video=${starts[0]}` }, deps);
  assert.equal(fragment.status, 415);
});
