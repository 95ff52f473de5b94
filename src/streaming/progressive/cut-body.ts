/**
 * Lays out a progressive cut as a BodyPlan (STYLE.md §1): one in-memory part (new ftyp + rewritten
 * moov + mdat header) followed by file ranges of the source holding the kept samples. Ranges are derived
 * from sample positions, not from "the" mdat (SPEC-NOTES §3.3 "Several mdat boxes"): the kept chunks of
 * all tracks, sorted and merged when closer than MERGE_GAP_BYTES (a few stray bytes of a dropped
 * interleaved sample cost less than another range). The moov always comes first, whatever the input
 * order; stco is used unless a final offset passes 2^32 − 1, then co64 (§3.3 "> 4 GiB").
 */
import { makeBodyPlan, type BodyPart, type BodyPlan } from '../body-plan';
import type { MovieIndex } from '../../mp4/movie-index';
import { box, FieldWriter, partLengthBytes, serialize, type BoxNode } from '../../mp4/writer';
import type { CutPlan } from './cut';
import { buildMoov, type MoovLayout, type TrackChunkPlacement } from './moov-writer';
import { buildTrackTables } from './sample-tables-writer';

const MERGE_GAP_BYTES = 64 * 1024;
const MAX_U32 = 0xffffffff;

interface SourceRange {
  readonly sourceStartBytes: number;
  sourceEndBytes: number;
  outputStartBytes: number;
}

export interface CutBody {
  readonly plan: BodyPlan;
  readonly headerBytes: number;
  readonly usedCo64: boolean;
  readonly movieDurationTs: number;
}

function buildFtyp(movie: MovieIndex): BoxNode {
  const brands = ['isom', 'iso2', 'avc1', 'mp41'];
  if (movie.ftyp && movie.ftyp.length >= 16) {
    for (let at = 16; at + 4 <= movie.ftyp.length; at += 4) {
      const brand = String.fromCharCode(...movie.ftyp.subarray(at, at + 4));
      if (/^[\x20-\x7e]{4}$/.test(brand) && brand !== 'qt  ' && !brands.includes(brand)) brands.push(brand);
    }
  }
  const w = new FieldWriter(64);
  for (const c of 'isom') w.u8(c.charCodeAt(0));
  w.u32(0x200);
  for (const brand of brands) for (const c of brand) w.u8(c.charCodeAt(0));
  return box('ftyp', w.finish());
}

/** Chunk spans of all tracks in file order: a k-way merge of per-track lists (each usually sorted already). */
function sortedChunkSpans(placements: readonly TrackChunkPlacement[]): { starts: Float64Array; lengths: Float64Array } {
  const lists = placements.map(({ tables }) => {
    const starts = tables.chunkSourceOffsets;
    let sorted = true;
    for (let i = 1; i < starts.length && sorted; i++) if (starts[i]! < starts[i - 1]!) sorted = false;
    if (sorted) return { starts, lengths: tables.chunkLengths };
    const order = Array.from(starts.keys()).sort((a, b) => starts[a]! - starts[b]!);
    return { starts: Float64Array.from(order, (k) => starts[k]!), lengths: Float64Array.from(order, (k) => tables.chunkLengths[k]!) };
  });
  const total = lists.reduce((sum, l) => sum + l.starts.length, 0);
  const starts = new Float64Array(total);
  const lengths = new Float64Array(total);
  const cursor = new Array<number>(lists.length).fill(0);
  for (let out = 0; out < total; out++) {
    let best = -1;
    for (let k = 0; k < lists.length; k++) {
      if (cursor[k]! < lists[k]!.starts.length && (best < 0 || lists[k]!.starts[cursor[k]!]! < lists[best]!.starts[cursor[best]!]!)) best = k;
    }
    const list = lists[best]!;
    starts[out] = list.starts[cursor[best]!]!;
    lengths[out] = list.lengths[cursor[best]!]!;
    cursor[best]!++;
  }
  return { starts, lengths };
}

/**
 * Fast path: when the kept chunks fill their overall span but for at most SINGLE_RANGE_SLACK_BYTES
 * (the usual interleaved file: only a GOP's worth of dropped samples of other tracks sits inside), the
 * span is one range — the original module's single range, without sorting hundreds of thousands of
 * chunk spans per request.
 */
const SINGLE_RANGE_SLACK_BYTES = 1024 * 1024;

function mergeRanges(placements: readonly TrackChunkPlacement[]): SourceRange[] {
  let minStart = Infinity;
  let maxEnd = 0;
  let keptBytes = 0;
  for (const { tables } of placements) {
    const starts = tables.chunkSourceOffsets;
    const lengths = tables.chunkLengths;
    for (let i = 0; i < starts.length; i++) {
      const start = starts[i]!;
      if (start < minStart) minStart = start;
      if (start + lengths[i]! > maxEnd) maxEnd = start + lengths[i]!;
      keptBytes += lengths[i]!;
    }
  }
  if (keptBytes === 0) return [];
  if (maxEnd - minStart - keptBytes <= SINGLE_RANGE_SLACK_BYTES) {
    return [{ sourceStartBytes: minStart, sourceEndBytes: maxEnd, outputStartBytes: 0 }];
  }
  const { starts, lengths } = sortedChunkSpans(placements);
  const ranges: SourceRange[] = [];
  for (let i = 0; i < starts.length; i++) {
    const start = starts[i]!;
    const length = lengths[i]!;
    const last = ranges[ranges.length - 1];
    if (last && start <= last.sourceEndBytes + MERGE_GAP_BYTES) last.sourceEndBytes = Math.max(last.sourceEndBytes, start + length);
    else ranges.push({ sourceStartBytes: start, sourceEndBytes: start + length, outputStartBytes: 0 });
  }
  let out = 0;
  for (const range of ranges) {
    range.outputStartBytes = out;
    out += range.sourceEndBytes - range.sourceStartBytes;
  }
  return ranges;
}

function relativeOffset(ranges: readonly SourceRange[], sourceOffsetBytes: number): number {
  let lo = 0;
  let hi = ranges.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (ranges[mid]!.sourceStartBytes <= sourceOffsetBytes) lo = mid;
    else hi = mid - 1;
  }
  const range = ranges[lo]!;
  return range.outputStartBytes + (sourceOffsetBytes - range.sourceStartBytes);
}

export function buildCutBody(movie: MovieIndex, cut: CutPlan, sourcePath: string, options: { adaptive: boolean }): CutBody {
  const tablesList = cut.tracks.map(buildTrackTables);
  const placementsDraft: TrackChunkPlacement[] = tablesList.map((tables) => ({ tables, relativeOffsets: new Float64Array(0) }));
  const ranges = mergeRanges(placementsDraft);
  let maxRelative = 0;
  const placements: TrackChunkPlacement[] = tablesList.map((tables) => {
    const relativeOffsets = new Float64Array(tables.chunkSourceOffsets.length);
    if (ranges.length === 1) {
      const start = ranges[0]!.sourceStartBytes;
      for (let i = 0; i < relativeOffsets.length; i++) relativeOffsets[i] = tables.chunkSourceOffsets[i]! - start;
    } else {
      for (let i = 0; i < relativeOffsets.length; i++) relativeOffsets[i] = relativeOffset(ranges, tables.chunkSourceOffsets[i]!);
    }
    for (let i = 0; i < relativeOffsets.length; i++) if (relativeOffsets[i]! > maxRelative) maxRelative = relativeOffsets[i]!;
    return { tables, relativeOffsets };
  });
  const payloadBytes = options.adaptive ? 0 : ranges.reduce((sum, r) => sum + (r.sourceEndBytes - r.sourceStartBytes), 0);
  const ftyp = buildFtyp(movie);
  // mdat (ISO/IEC 14496-12 §8.1.1) takes the 64-bit largesize form when its size passes 2^32 − 1.
  const mdatHeader = new FieldWriter(16);
  if (payloadBytes + 8 > MAX_U32) mdatHeader.u32(1).u32(0x6d646174).u64(payloadBytes + 16);
  else mdatHeader.u32(payloadBytes + 8).u32(0x6d646174);
  const mdatHeaderBytes = mdatHeader.finish();

  const layout: MoovLayout = { mdatPayloadOffsetBytes: 0 };
  let useCo64 = false;
  let built = buildMoov(movie, placements, layout, useCo64, movie.moovExtras);
  let headerBytes = partLengthBytes(ftyp) + partLengthBytes(built.moov) + mdatHeaderBytes.length;
  if (headerBytes + maxRelative > MAX_U32) {
    useCo64 = true;
    built = buildMoov(movie, placements, layout, useCo64, movie.moovExtras);
    headerBytes = partLengthBytes(ftyp) + partLengthBytes(built.moov) + mdatHeaderBytes.length;
  }
  layout.mdatPayloadOffsetBytes = headerBytes;
  const header = serialize(ftyp, built.moov, mdatHeaderBytes);
  const parts: BodyPart[] = [{ kind: 'memory', bytes: header }];
  if (!options.adaptive) {
    for (const range of ranges) {
      parts.push({ kind: 'file', path: sourcePath, offsetBytes: range.sourceStartBytes, lengthBytes: range.sourceEndBytes - range.sourceStartBytes });
    }
  }
  return { plan: makeBodyPlan(parts), headerBytes, usedCo64: useCo64, movieDurationTs: built.movieDurationTs };
}
