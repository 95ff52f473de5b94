/**
 * Timeline bounds against hostile sources (issue 6 "Hostile media"; INTERFACE §6 "415 with the reason
 * logged"; §7 fragment boundaries): audio-only fragments after a sample gap of days are found in one
 * step, not one step per `streaming.audioOnlyFragment`; a track with more fragments than
 * MAX_FRAGMENTS_PER_TRACK is refused before a manifest of hundreds of megabytes is written.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TrackIndex } from '../../src/mp4/track-index';
import { fixedBoundaries, videoBoundaries, MAX_FRAGMENTS_PER_TRACK, SMOOTH_TIMESCALE } from '../../src/streaming/smooth';

test('fixedBoundaries: a stts delta of days between samples does not loop per fragment', () => {
  // 2000 samples 0xFFFFFFFF ticks apart at 1 kHz: ~50 days each, ~2·10^6 two-second steps per gap.
  const gapHns = Math.round((0xffffffff / 1000) * SMOOTH_TIMESCALE);
  const times = new Float64Array(2001);
  for (let i = 0; i < times.length; i++) times[i] = i * gapHns;
  const started = Date.now();
  const boundaries = fixedBoundaries(times, 2 * SMOOTH_TIMESCALE);
  assert.ok(Date.now() - started < 1000, `took ${Date.now() - started} ms`);
  // Every sample starts its own fragment; the list ends with the sample count.
  assert.deepEqual([...boundaries.subarray(0, 4)], [0, 1, 2, 3]);
  assert.equal(boundaries.length, 2001);
  assert.equal(boundaries[2000], 2000);
});

test('fixedBoundaries: ordinary audio still splits at the first sample past each 2 s step', () => {
  // 1024-sample AAC frames at 48 kHz (213333.33 hns): 2 s boundaries land on frames 94, 188, 282.
  const times = new Float64Array(301);
  for (let i = 0; i < times.length; i++) times[i] = Math.round((i * 1024 * SMOOTH_TIMESCALE) / 48000);
  assert.deepEqual([...fixedBoundaries(times, 2 * SMOOTH_TIMESCALE)], [0, 94, 188, 282, 300]);
});

test('videoBoundaries: a track of more sync samples than MAX_FRAGMENTS_PER_TRACK is refused (415)', () => {
  const allSync = { trackId: 1, sampleCount: MAX_FRAGMENTS_PER_TRACK + 1, syncSamples: null } as unknown as TrackIndex;
  assert.throws(() => videoBoundaries(allSync), (error: { code?: string; httpStatus?: number }) => error.code === 'SG_ERR_MP4_UNSUPPORTED' && error.httpStatus === 415);
  const atLimit = { trackId: 1, sampleCount: MAX_FRAGMENTS_PER_TRACK, syncSamples: null } as unknown as TrackIndex;
  assert.equal(videoBoundaries(atLimit).length, MAX_FRAGMENTS_PER_TRACK + 1);
});
