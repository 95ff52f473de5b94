/**
 * Smooth Streaming time (INTERFACE §7) and chunk lists: toHns equals the one rounding rule (rescale);
 * for every fixture of test/fixtures the chunk `d` values equal the sums of the fragment's trun sample
 * durations, `t + d` of one chunk is the next chunk's start, the sum of `d` is the mapped duration, video
 * chunks start at sync samples and audio chunks at the first audio sample at or after them (§5.1).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { FIXTURES } from '../helpers/media-tools';
import { bufferRangeSource, indexMovie, rescale, readChildren, findChild, isSyncSample } from '../helpers/mp4-exports';
import { parseTrun } from '../../src/mp4/boxes/fragments';
import {
  toHns, buildPresentation, buildFragment, findFragment, fragmentCount, fragmentStartHns, fragmentDurationHns, timelineSpanHns,
  SMOOTH_TIMESCALE, type SmoothTrackTimeline,
} from '../../src/streaming/smooth';

test('toHns is rescale(v, M, 10^7) rounded half up, exactly, fast path and BigInt path alike', () => {
  fc.assert(
    fc.property(fc.oneof(fc.integer({ min: 0, max: 2 ** 40 }), fc.constant(2 ** 52), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER })), fc.constantFrom(1, 1000, 12800, 24000, 30000, 44100, 48000, 90000, 10_000_000, 2 ** 31 - 1), (value, scale) => {
      assert.equal(toHns(value, scale), rescale(value, scale, SMOOTH_TIMESCALE));
    }),
    { numRuns: 3000 },
  );
  assert.equal(toHns(1, 30000), 333); // 333.33 → 333
  assert.equal(toHns(1, 20_000_000), 1); // 0.5 → 1 (half up)
  assert.equal(toHns(3, 20_000_000), 2); // 1.5 → 2
  assert.equal(toHns(1001, 30000), 333667); // 333666.67 → 333667
});

const fixtureNames = readdirSync(FIXTURES).filter((n) => n.endsWith('.mp4')).sort();

function trunOf(moof: Uint8Array) {
  const moofPayload = readChildren(moof, 'file')[0]!.payload;
  const traf = findChild(readChildren(moofPayload, 'moof'), 'traf', 'moof')!;
  return parseTrun(findChild(readChildren(traf.payload, 'traf'), 'trun', 'traf')!.payload);
}

function checkTimeline(name: string, timeline: SmoothTrackTimeline, reference: SmoothTrackTimeline | null): void {
  const { track } = timeline;
  const count = fragmentCount(timeline);
  assert.ok(count > 0, `${name} ${timeline.type}: no fragments`);
  let sumHns = 0;
  for (let k = 0; k < count; k++) {
    const startHns = fragmentStartHns(timeline, k);
    const durationHns = fragmentDurationHns(timeline, k);
    assert.ok(durationHns > 0, `${name} ${timeline.type} chunk ${k} has d=${durationHns}`);
    if (k + 1 < count) assert.equal(startHns + durationHns, fragmentStartHns(timeline, k + 1));
    sumHns += durationHns;
    const fragment = buildFragment(timeline, k, '/nonexistent');
    const trun = trunOf(fragment.moof);
    let trunSum = 0;
    for (const d of trun.durationsTs!) trunSum += d;
    assert.equal(trunSum, durationHns, `${name} ${timeline.type} chunk ${k}: trun durations ${trunSum} ≠ d ${durationHns}`);
    const first = timeline.fragmentFirstSample[k]!;
    assert.equal(trun.sampleCount, timeline.fragmentFirstSample[k + 1]! - first);
    assert.equal(trun.dataOffsetBytes, fragment.moof.length + 8);
    let sizeSum = 0;
    for (const s of trun.sizesBytes!) sizeSum += s;
    assert.equal(fragment.plan.totalBytes, fragment.moof.length + 8 + sizeSum);
    // Every time inside [t, t+d) finds this fragment (INTERFACE §6).
    assert.equal(findFragment(timeline, startHns), k);
    assert.equal(findFragment(timeline, startHns + durationHns - 1), k);
    if (timeline.type === 'video') assert.ok(first === 0 || isSyncSample(track, first), `${name}: video chunk ${k} does not start on a sync sample`);
    if (timeline.type === 'audio' && reference && k > 0) {
      // §5.1: the first audio sample whose decode time is ≥ some video fragment start.
      const videoStartsHns = Array.from({ length: fragmentCount(reference) }, (_, j) => fragmentStartHns(reference, j));
      const dtsSec = track.dtsTs[first]! / track.timescale;
      const previousSec = track.dtsTs[first - 1]! / track.timescale;
      assert.ok(videoStartsHns.some((v) => dtsSec >= v / 1e7 - 1e-9 && previousSec < v / 1e7 + 1e-9), `${name}: audio chunk ${k} not aligned`);
    }
  }
  const span = timelineSpanHns(timeline);
  assert.equal(sumHns, span.endHns - span.startHns);
  assert.equal(span.endHns - span.startHns, toHns(track.dtsTs[track.sampleCount]!, track.timescale) - toHns(track.dtsTs[0]!, track.timescale));
  assert.equal(findFragment(timeline, span.endHns), -1);
  if (span.startHns > 0) assert.equal(findFragment(timeline, span.startHns - 1), -1);
}

for (const name of fixtureNames) {
  test(`chunk lists of ${name}: d = Σ trun durations, contiguous, aligned`, async () => {
    const movie = await indexMovie(bufferRangeSource(readFileSync(join(FIXTURES, name))));
    const presentation = buildPresentation(movie);
    assert.ok(presentation.video || presentation.audio);
    if (presentation.video) checkTimeline(name, presentation.video, null);
    if (presentation.audio) checkTimeline(name, presentation.audio, presentation.video);
    if (!presentation.video && presentation.audio) {
      // Audio-only: ~2 s fragments (streaming.audioOnlyFragment).
      const a = presentation.audio;
      for (let k = 0; k + 1 < fragmentCount(a); k++) assert.ok(Math.abs(fragmentDurationHns(a, k) - 2 * SMOOTH_TIMESCALE) < 0.05 * SMOOTH_TIMESCALE);
    }
  });
}
