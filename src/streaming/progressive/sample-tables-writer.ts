/**
 * Rewrites one track's sample tables for the kept samples [first, end) (SPEC-NOTES §3.1 "Table
 * rewriting", with the original's defects fixed): stts and ctts re-run-length-encoded (ctts version 1
 * when an offset is negative, §3.3), stss renumbered, stsz sliced (constant size kept when it holds),
 * stsc split at every change of samples-per-chunk *or* sample_description_index (§1 P7), sdtp sliced
 * with the samples rather than copied stale (§1 P5), and the output chunks (maximal runs of kept samples
 * of one source chunk) whose offsets the plan fills in once the layout is known.
 */
import { fullBox, FieldWriter, type BoxNode } from '../../mp4/writer';
import type { TrackCut } from './cut';

export interface TrackTables {
  readonly cut: TrackCut;
  readonly stts: BoxNode;
  readonly ctts: BoxNode | null;
  readonly stss: BoxNode | null;
  readonly stsz: BoxNode;
  readonly stsc: BoxNode;
  readonly sdtp: BoxNode | null;
  /** Source offset of each output chunk's first byte. */
  readonly chunkSourceOffsets: Float64Array;
  /** Byte length of each output chunk. */
  readonly chunkLengths: Float64Array;
  /** Sum of the kept samples' durations, track timescale (mdhd). */
  readonly mediaDurationTs: number;
  /** End of the latest presentation among the kept samples, output media time, track timescale. */
  readonly presentationEndTs: number;
}

export function buildTrackTables(cut: TrackCut): TrackTables {
  const { track, firstSample, endSample } = cut;
  const count = endSample - firstSample;
  const dts = track.dtsTs;
  const base = dts[firstSample]!;

  const stts = new FieldWriter(64);
  let runs = 0;
  let runDelta = -1;
  let runCount = 0;
  const sttsEntries: number[] = [];
  let presentationEndTs = 0;
  for (let i = firstSample; i < endSample; i++) {
    const delta = dts[i + 1]! - dts[i]!;
    if (delta === runDelta) runCount++;
    else {
      if (runCount > 0) sttsEntries.push(runCount, runDelta);
      runDelta = delta;
      runCount = 1;
    }
    const end = dts[i]! - base + (track.ctsOffsetTs ? track.ctsOffsetTs[i]! : 0) + delta;
    if (end > presentationEndTs) presentationEndTs = end;
  }
  if (runCount > 0) sttsEntries.push(runCount, runDelta);
  runs = sttsEntries.length / 2;
  stts.u32(runs);
  for (const value of sttsEntries) stts.u32(value);

  let ctts: BoxNode | null = null;
  if (track.ctsOffsetTs) {
    const offsets = track.ctsOffsetTs;
    const writer = new FieldWriter(64);
    let negative = false;
    let entries = 0;
    const body = new FieldWriter(1024);
    let i = firstSample;
    while (i < endSample) {
      const value = offsets[i]!;
      let j = i + 1;
      while (j < endSample && offsets[j] === value) j++;
      if (value < 0) negative = true;
      body.u32(j - i).i32(value);
      entries++;
      i = j;
    }
    writer.u32(entries).bytes(body.finish());
    ctts = fullBox('ctts', negative ? 1 : 0, 0, writer.finish());
  }

  let stss: BoxNode | null = null;
  if (track.syncSamples) {
    const writer = new FieldWriter(64);
    const inside: number[] = [];
    for (const sample of track.syncSamples) if (sample >= firstSample && sample < endSample) inside.push(sample - firstSample + 1);
    writer.u32(inside.length);
    for (const number of inside) writer.u32(number);
    stss = fullBox('stss', 0, 0, writer.finish());
  }

  const sizes = track.sizeBytes.subarray(firstSample, endSample);
  let constant = count > 0 ? sizes[0]! : 0;
  for (let i = 1; i < count; i++) {
    if (sizes[i] !== constant) {
      constant = 0;
      break;
    }
  }
  const stszWriter = new FieldWriter(12 + (constant ? 0 : count * 4));
  stszWriter.u32(constant).u32(count);
  if (!constant) for (let i = 0; i < count; i++) stszWriter.u32(sizes[i]!);

  const chunkSourceOffsets: number[] = [];
  const chunkLengths: number[] = [];
  const stscWriter = new FieldWriter(64);
  const stscEntries: number[] = [];
  let lastPerChunk = -1;
  let lastDescription = -1;
  let i = firstSample;
  while (i < endSample) {
    const chunk = track.chunkOfSample[i]!;
    let j = i;
    let length = 0;
    while (j < endSample && track.chunkOfSample[j] === chunk) length += track.sizeBytes[j++]!;
    const perChunk = j - i;
    const description = track.chunkDescriptionIndex[chunk] ?? 1;
    chunkSourceOffsets.push(track.offsetBytes[i]!);
    chunkLengths.push(length);
    if (perChunk !== lastPerChunk || description !== lastDescription) {
      stscEntries.push(chunkSourceOffsets.length, perChunk, description);
      lastPerChunk = perChunk;
      lastDescription = description;
    }
    i = j;
  }
  stscWriter.u32(stscEntries.length / 3);
  for (const value of stscEntries) stscWriter.u32(value);

  const sdtp = track.sdtp ? fullBox('sdtp', 0, 0, track.sdtp.subarray(firstSample, endSample)) : null;

  return {
    cut,
    stts: fullBox('stts', 0, 0, stts.finish()),
    ctts,
    stss,
    stsz: fullBox('stsz', 0, 0, stszWriter.finish()),
    stsc: fullBox('stsc', 0, 0, stscWriter.finish()),
    sdtp,
    chunkSourceOffsets: Float64Array.from(chunkSourceOffsets),
    chunkLengths: Float64Array.from(chunkLengths),
    mediaDurationTs: dts[endSample]! - base,
    presentationEndTs,
  };
}
