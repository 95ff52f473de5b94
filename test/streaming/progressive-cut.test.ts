/**
 * Issue 3 "Done when", first bullet: for every fixture and for start values at, just before and just
 * after keyframes, beyond the end, with and without end — ffprobe reads the output without errors,
 * ffmpeg decodes it cleanly, the first video/audio timestamps and durations match the cut rule of
 * INTERFACE §5.1, and the bytes of every sample equal the source's. Expectations come from ffprobe of
 * the source (not from our own index), so the index and the rule are checked against a real demuxer.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXTURES, decodeErrors, probe, type ProbePacket, type ProbeResult, type ProbeStream } from '../helpers/media-tools';
import { startProgressiveServer, type TestServer } from '../helpers/progressive-server';

let server: TestServer;
let work: string;
before(async () => {
  server = await startProgressiveServer(FIXTURES);
  work = await mkdtemp(join(tmpdir(), 'sg-cut-'));
});
after(async () => {
  await server.close();
  await rm(work, { recursive: true, force: true });
});

/** Exact "ticks ≤ seconds": ticks × num / den ≤ decimal text. */
function ticksAtOrBefore(secondsText: string, timeBase: [number, number]): bigint {
  const [whole = '0', fraction = ''] = secondsText.split('.');
  const units = BigInt(whole + fraction);
  const scale = 10n ** BigInt(fraction.length);
  // floor(seconds × den / num)
  const numerator = units * BigInt(timeBase[1]);
  const denominator = scale * BigInt(timeBase[0]);
  return numerator >= 0n ? numerator / denominator : -((-numerator + denominator - 1n) / denominator);
}

function compareAcross(aTicks: number, aBase: [number, number], bTicks: number, bBase: [number, number]): number {
  const left = BigInt(aTicks) * BigInt(aBase[0]) * BigInt(bBase[1]);
  const right = BigInt(bTicks) * BigInt(bBase[0]) * BigInt(aBase[1]);
  return left < right ? -1 : left > right ? 1 : 0;
}

interface StreamView {
  readonly stream: ProbeStream;
  readonly packets: ProbePacket[];
}

function streamsOf(result: ProbeResult): { video?: StreamView; audio?: StreamView } {
  const view = (type: string): StreamView | undefined => {
    const stream = result.streams.find((s) => s.codecType === type);
    return stream ? { stream, packets: result.packets.filter((p) => p.streamIndex === stream.index) } : undefined;
  };
  const video = view('video');
  const audio = view('audio');
  return { ...(video ? { video } : {}), ...(audio ? { audio } : {}) };
}

interface Expected {
  readonly reference: { first: number; end: number };
  readonly other?: { first: number; end: number };
  readonly fromStart: boolean;
  /** Presentation time of the reference's first kept sample, reference ticks. */
  readonly originPts: number;
}

function lastKeyAtOrBefore(packets: ProbePacket[], limit: bigint): number {
  let best = -1;
  let bestPts = -Infinity;
  packets.forEach((p, i) => {
    if (p.keyframe && BigInt(p.pts!) <= limit && p.pts! >= bestPts) {
      best = i;
      bestPts = p.pts!;
    }
  });
  return best >= 0 ? best : packets.findIndex((p) => p.keyframe);
}

function predict(source: ProbeResult, start: string | undefined, end: string | undefined): Expected {
  const { video, audio } = streamsOf(source);
  const reference = (video ?? audio)!;
  const other = video ? audio : undefined;
  const base = reference.stream.timeBase;
  const n = reference.packets.length;
  // start=0 is "no start" (SPEC-NOTES §3.1 step 4: a carried start of 0 → first sample 0).
  const first = start === undefined || Number(start) === 0 ? 0 : lastKeyAtOrBefore(reference.packets, ticksAtOrBefore(start, base));
  let endIndex = n;
  if (end !== undefined) {
    const limit = ticksAtOrBefore(end, base);
    const presentationEnd = Math.max(...reference.packets.map((p) => p.pts! + p.durationTicks));
    if (limit < BigInt(presentationEnd)) {
      endIndex = lastKeyAtOrBefore(reference.packets, limit);
      if (endIndex <= first) {
        const next = reference.packets.findIndex((p, i) => i > first && p.keyframe);
        endIndex = next < 0 ? n : next;
      }
    }
  }
  const fromStart = first === 0;
  const originPts = reference.packets[first]!.pts!;
  let otherRange: { first: number; end: number } | undefined;
  if (other) {
    const atOrAfter = (pts: number): number => {
      const i = other.packets.findIndex((p) => compareAcross(p.pts!, other.stream.timeBase, pts, base) >= 0);
      return i < 0 ? other.packets.length : i;
    };
    otherRange = {
      first: fromStart ? 0 : atOrAfter(originPts),
      end: endIndex === n ? other.packets.length : atOrAfter(reference.packets[endIndex]!.pts!),
    };
  }
  return { reference: { first, end: endIndex }, ...(otherRange ? { other: otherRange } : {}), fromStart, originPts };
}

const sourceProbes = new Map<string, Promise<ProbeResult>>();
function probeSource(name: string): Promise<ProbeResult> {
  if (!sourceProbes.has(name)) sourceProbes.set(name, probe(join(FIXTURES, name)));
  return sourceProbes.get(name)!;
}

async function fetchCut(name: string, query: string): Promise<string> {
  const response = await fetch(`${server.baseUrl}/${name}?${query}`);
  assert.equal(response.status, 200, `${name}?${query}: ${response.status} ${JSON.stringify(server.logged.slice(-1))}`);
  assert.equal(response.headers.get('content-type'), 'video/mp4');
  const bytes = new Uint8Array(await response.arrayBuffer());
  assert.equal(bytes.length, Number(response.headers.get('content-length')));
  const out = join(work, `${name}-${query.replace(/[^a-z0-9.]/gi, '_')}.mp4`);
  await writeFile(out, bytes);
  return out;
}

function frameSeconds(view: StreamView): number {
  const durations = view.packets.map((p) => p.durationTicks).filter((d) => d > 0).sort((a, b) => a - b);
  return (durations[Math.floor(durations.length / 2)]! * view.stream.timeBase[0]) / view.stream.timeBase[1];
}

async function checkCut(name: string, start: string | undefined, end: string | undefined): Promise<void> {
  const query = [start !== undefined ? `start=${start}` : '', end !== undefined ? `end=${end}` : ''].filter(Boolean).join('&');
  const source = await probeSource(name);
  const expected = predict(source, start, end);
  const out = await fetchCut(name, query);
  const result = await probe(out);
  assert.equal(result.stderr, '', `${name}?${query}: ffprobe complained`);
  assert.equal(await decodeErrors(out), '', `${name}?${query}: ffmpeg could not decode cleanly`);

  const src = streamsOf(source);
  const got = streamsOf(result);
  const reference = (src.video ?? src.audio)!;
  const gotReference = (got.video ?? got.audio)!;
  const keptReference = reference.packets.slice(expected.reference.first, expected.reference.end);
  assert.deepEqual(gotReference.packets.map((p) => p.hash), keptReference.map((p) => p.hash), `${name}?${query}: reference samples`);
  assert.ok(gotReference.packets[0]!.keyframe, `${name}?${query}: first sample is a keyframe`);
  const frame = src.video ? frameSeconds(src.video) : 0.05;

  const secondsOf = (ticks: number, base: [number, number]): number => (ticks * base[0]) / base[1];
  const expectedReferenceStart = expected.fromStart ? reference.stream.startTime : 0;
  assert.ok(Math.abs(gotReference.stream.startTime - expectedReferenceStart) <= frame + 1e-6, `${name}?${query}: reference start ${gotReference.stream.startTime} vs ${expectedReferenceStart}`);

  if (src.video && src.audio && expected.other) {
    const keptAudio = src.audio.packets.slice(expected.other.first, expected.other.end);
    if (keptAudio.length === 0) {
      assert.equal(got.audio, undefined, `${name}?${query}: audio with no kept samples is dropped`);
    } else {
      assert.ok(got.audio, `${name}?${query}: audio track present`);
      assert.deepEqual(got.audio.packets.map((p) => p.hash), keptAudio.map((p) => p.hash), `${name}?${query}: audio samples`);
      const expectedAudioStart = expected.fromStart
        ? src.audio.stream.startTime
        : secondsOf(keptAudio[0]!.pts!, src.audio.stream.timeBase) - secondsOf(expected.originPts, src.video.stream.timeBase);
      assert.ok(Math.abs(got.audio.stream.startTime - expectedAudioStart) <= 0.0015, `${name}?${query}: audio start ${got.audio.stream.startTime} vs ${expectedAudioStart}`);
      // A cut that keeps the beginning keeps the source's own A/V offset; a real cut starts both together.
      if (!expected.fromStart) {
        assert.ok(Math.abs(got.audio.stream.startTime - gotReference.stream.startTime) <= frame + 1e-6, `${name}?${query}: audio and video start within one frame`);
      }
    }
  }
  // Duration of the reference: the span its kept samples present, within one frame.
  const spanStart = Math.min(...keptReference.map((p) => p.pts!));
  const spanEnd = Math.max(...keptReference.map((p) => p.pts! + p.durationTicks));
  const expectedDuration = secondsOf(spanEnd - spanStart, reference.stream.timeBase);
  assert.ok(Math.abs(gotReference.stream.duration - expectedDuration) <= frame + 0.002, `${name}?${query}: duration ${gotReference.stream.duration} vs ${expectedDuration}`);
}

/** Start values around the second and the last keyframe of the reference track. */
async function casesFor(name: string): Promise<Array<[string | undefined, string | undefined]>> {
  const source = await probeSource(name);
  const { video, audio } = streamsOf(source);
  const reference = (video ?? audio)!;
  const base = reference.stream.timeBase;
  const keys = reference.packets.filter((p) => p.keyframe).map((p) => (p.pts! * base[0]) / base[1]).sort((a, b) => a - b);
  const pick = video ? keys : keys.filter((_, i) => i % 40 === 20);
  const key = pick[1] ?? pick[0]!;
  const last = pick[pick.length - 1]!;
  const fmt = (s: number): string => Math.max(0, s).toFixed(6);
  return [
    [fmt(key), undefined],
    [fmt(key - 0.001), undefined],
    [fmt(key + 0.001), undefined],
    [fmt(last + 0.0004), undefined],
    ['9999.5', undefined],
    [fmt(key + 0.001), fmt(last + 0.001)],
    [undefined, fmt(key + 0.5)],
    [fmt(key + 0.001), fmt(key + 0.002)],
    ['0', '0.000001'],
  ];
}

const NAMES = ['bframes-2997-48k.mp4', 'moov-end-25-441k.mp4', 'audio-only-48k.mp4', 'video-only-24.mp4', 'irregular-gops.mp4', 'fragmented.mp4', 'ctts-v1.mp4', 'hevc-25-48k.mp4'];

for (const name of NAMES) {
  test(`cut rule, ffprobe/ffmpeg, sample bytes: ${name}`, async () => {
    const cases = await casesFor(name);
    await Promise.all(cases.map(([start, end]) => checkCut(name, start, end)));
  });
}
