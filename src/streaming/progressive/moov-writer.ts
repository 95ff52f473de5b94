/**
 * The output moov of a progressive cut (SPEC-NOTES §3.1, §3.3): mvhd, then per kept track tkhd, a new
 * edts/elst (one optional empty edit + one media edit, so video and audio start together: INTERFACE
 * §5.1), mdia (mdhd, hdlr, minf with the source's media header and dinf, and the rewritten stbl). Track
 * boxes we cannot keep consistent with the trimmed samples (sgpd/sbgp, stps, cslg, tref, udta of the
 * track) are dropped rather than copied stale (§1 P5); moov-level udta is kept. Chunk offsets are
 * `DeferredPart`s filled once the final moov size is known, as stco or co64 (§3.3 "> 4 GiB").
 */
import { rescale } from '../../mp4/integers';
import { box, fullBox, FieldWriter, type BoxNode, type DeferredPart } from '../../mp4/writer';
import type { MovieIndex } from '../../mp4/movie-index';
import { patchDuration } from './header-patch';
import type { TrackTables } from './sample-tables-writer';

const MAX_U32 = 0xffffffff;
const MAX_I32 = 0x7fffffff;

export interface MoovLayout {
  /** Output offset of the mdat payload's first byte; set before serialising. */
  mdatPayloadOffsetBytes: number;
}

export interface TrackChunkPlacement {
  readonly tables: TrackTables;
  /** Offset of each output chunk relative to the start of the mdat payload. */
  readonly relativeOffsets: Float64Array;
}

function buildElst(emptyEditMovieTs: number, segmentDurationMovieTs: number, mediaTimeTs: number): BoxNode {
  const wide = emptyEditMovieTs > MAX_U32 || segmentDurationMovieTs > MAX_U32 || mediaTimeTs > MAX_I32;
  const w = new FieldWriter(48);
  const entries: Array<[number, number]> = [];
  if (emptyEditMovieTs > 0) entries.push([emptyEditMovieTs, -1]);
  entries.push([segmentDurationMovieTs, mediaTimeTs]);
  w.u32(entries.length);
  for (const [duration, mediaTime] of entries) {
    if (wide) w.u64(duration).i64(mediaTime);
    else w.u32(duration).i32(mediaTime);
    w.u16(1).u16(0); // media_rate 1.0
  }
  return fullBox('elst', wide ? 1 : 0, 0, w.finish());
}

function chunkOffsetBox(placement: TrackChunkPlacement, layout: MoovLayout, useCo64: boolean): BoxNode {
  const offsets = placement.relativeOffsets;
  const entries: DeferredPart = {
    lengthBytes: 4 + offsets.length * (useCo64 ? 8 : 4),
    write(out: DataView, at: number): void {
      out.setUint32(at, offsets.length);
      let p = at + 4;
      const base = layout.mdatPayloadOffsetBytes;
      for (let i = 0; i < offsets.length; i++) {
        if (useCo64) {
          out.setBigUint64(p, BigInt(base + offsets[i]!));
          p += 8;
        } else {
          out.setUint32(p, base + offsets[i]!);
          p += 4;
        }
      }
    },
  };
  return fullBox(useCo64 ? 'co64' : 'stco', 0, 0, entries);
}

export interface MoovResult {
  readonly moov: BoxNode;
  readonly movieDurationTs: number;
}

export function buildMoov(
  movie: MovieIndex,
  placements: readonly TrackChunkPlacement[],
  layout: MoovLayout,
  useCo64: boolean,
  moovExtras: readonly Uint8Array[],
): MoovResult {
  const movieTs = movie.movieTimescale;
  const traks: BoxNode[] = [];
  let movieDurationTs = 0;
  for (const placement of placements) {
    const { tables } = placement;
    const { cut } = tables;
    const { track } = cut;
    const presentedTs = Math.max(0, tables.presentationEndTs - cut.mediaTimeTs);
    const emptyMovieTs = rescale(cut.emptyEditTs, track.timescale, movieTs);
    const segmentMovieTs = rescale(presentedTs, track.timescale, movieTs);
    const trackDurationMovieTs = emptyMovieTs + segmentMovieTs;
    movieDurationTs = Math.max(movieDurationTs, trackDurationMovieTs);
    const stbl = box(
      'stbl',
      track.raw.stsd,
      tables.stts,
      ...(tables.ctts ? [tables.ctts] : []),
      ...(tables.stss ? [tables.stss] : []),
      tables.stsz,
      tables.stsc,
      chunkOffsetBox(placement, layout, useCo64),
      ...(tables.sdtp ? [tables.sdtp] : []),
    );
    const minf = box('minf', ...track.raw.minfOther, stbl);
    const mdia = box('mdia', patchDuration(track.raw.mdhd, 'mdhd', tables.mediaDurationTs), track.raw.hdlr, minf);
    traks.push(
      box(
        'trak',
        patchDuration(track.raw.tkhd, 'tkhd', trackDurationMovieTs),
        ...(cut.omitEditList ? [] : [box('edts', buildElst(emptyMovieTs, segmentMovieTs, cut.mediaTimeTs))]),
        mdia,
      ),
    );
  }
  const moov = box('moov', patchDuration(movie.mvhd, 'mvhd', movieDurationTs), ...traks, ...moovExtras);
  return { moov, movieDurationTs };
}
