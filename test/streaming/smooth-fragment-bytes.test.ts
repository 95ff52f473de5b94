/**
 * fragment-bytes.ts: a gathered fragment (one span read, samples copied out) has exactly the bytes of
 * its BodyPlan read range by range, for every fragment of every fixture; the LRU stays within its bound.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openSync, readSync, closeSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES } from '../helpers/media-tools';
import { bufferRangeSource, indexMovie, openFileRangeSource } from '../helpers/mp4-exports';
import { buildFragment, buildPresentation, fragmentCount } from '../../src/streaming/smooth';
import { FragmentBytesCache, gatherPlan, worthGathering } from '../../src/streaming/smooth/fragment-bytes';
import type { BodyPlan } from '../../src/streaming/body-plan';

function readPlan(plan: BodyPlan): Buffer {
  return Buffer.concat(plan.parts.map((part) => {
    if (part.kind === 'memory') return Buffer.from(part.bytes);
    const fd = openSync(part.path, 'r');
    const bytes = Buffer.alloc(part.lengthBytes);
    readSync(fd, bytes, 0, part.lengthBytes, part.offsetBytes);
    closeSync(fd);
    return bytes;
  }));
}

test('gathered fragments equal their plans, byte for byte', async () => {
  for (const name of readdirSync(FIXTURES).filter((n) => n.endsWith('.mp4'))) {
    const path = join(FIXTURES, name);
    const presentation = buildPresentation(await indexMovie(bufferRangeSource(readFileSync(path))));
    for (const timeline of [presentation.video, presentation.audio]) {
      if (!timeline) continue;
      for (let k = 0; k < fragmentCount(timeline); k++) {
        const { plan } = buildFragment(timeline, k, path);
        assert.ok(worthGathering(plan), `${name}: small fragments are gathered`);
        assert.deepEqual(Buffer.from(await gatherPlan(plan, openFileRangeSource)), readPlan(plan), `${name} ${timeline.type} ${k}`);
      }
    }
  }
});

test('the fragment cache is an LRU bounded by bytes', () => {
  const cache = new FragmentBytesCache(100);
  cache.set('a', new Uint8Array(60));
  cache.set('b', new Uint8Array(30));
  assert.ok(cache.get('a'));
  cache.set('c', new Uint8Array(30));
  assert.equal(cache.get('b'), undefined);
  assert.ok(cache.get('a') && cache.get('c'));
  cache.set('huge', new Uint8Array(101));
  assert.equal(cache.get('huge'), undefined);
});
