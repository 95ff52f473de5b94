/**
 * Opens an MP4 (ISO/IEC 14496-12) through a RangeSource and indexes it: top-level boxes scanned header
 * by header (moov before or after mdat, several mdat, size 0, 64-bit sizes), the moov read into memory
 * (bounded), every trak indexed from its stbl or, for fragmented files (mvex present), from the moofs.
 */
import { SgError } from '../errors';
import { findChild, readChildren, readWholeBox, requireChild, scanTopLevel } from './box-reader';
import { parseMvhd } from './boxes/headers';
import { indexFragments, readTrackExtends } from './fragment-index';
import type { RangeSource } from './range-source';
import { indexStblTrack, readTrackBasics, trackIndexBytes, type TrackIndex } from './track-index';

export interface MovieIndex {
  readonly fileSizeBytes: number;
  /** The source's ftyp box, verbatim (null when the file has none). */
  readonly ftyp: Uint8Array | null;
  readonly movieTimescale: number;
  readonly movieDurationTs: number;
  readonly nextTrackId: number;
  /** The source's mvhd box, verbatim (the writer patches its duration). */
  readonly mvhd: Uint8Array;
  readonly tracks: readonly TrackIndex[];
  /** moov-level boxes an output may copy verbatim (udta metadata). */
  readonly moovExtras: readonly Uint8Array[];
  /** True when the samples came from movie fragments (moof/traf/trun). */
  readonly fragmented: boolean;
  /** Approximate heap footprint, for the index cache's byte bound. */
  readonly estimatedBytes: number;
}

export interface IndexOptions {
  /** Largest moov we read into memory (nginx's mp4_max_buffer_size plays the same role). */
  readonly maxMoovBytes?: number;
}

const DEFAULT_MAX_MOOV_BYTES = 256 * 1024 * 1024;

export async function indexMovie(source: RangeSource, options: IndexOptions = {}): Promise<MovieIndex> {
  const top = await scanTopLevel(source);
  const moovs = top.filter((b) => b.type === 'moov');
  if (moovs.length === 0) throw new SgError('SG_ERR_MP4_MALFORMED', { box: 'file', detail: 'no moov box' });
  if (moovs.length > 1) throw new SgError('SG_ERR_MP4_MALFORMED', { box: 'file', detail: 'duplicate moov' });
  const ftypLocation = top.find((b) => b.type === 'ftyp');
  const ftyp = ftypLocation && ftypLocation.sizeBytes <= 4096 ? (await readWholeBox(source, ftypLocation, 4096)).raw.slice() : null;
  const moov = await readWholeBox(source, moovs[0]!, options.maxMoovBytes ?? DEFAULT_MAX_MOOV_BYTES);
  const children = readChildren(moov.payload, 'moov');
  if (children.some((b) => b.type === 'cmov')) throw new SgError('SG_ERR_MP4_UNSUPPORTED', { detail: 'compressed moov (cmov)' });
  const mvhdBox = requireChild(children, 'mvhd', 'moov');
  const mvhd = parseMvhd(mvhdBox.payload);
  const basics = children.filter((b) => b.type === 'trak').map((trak) => readTrackBasics(trak, mvhd.timescale));
  const ids = new Set<number>();
  for (const track of basics) {
    if (ids.has(track.trackId)) throw new SgError('SG_ERR_MP4_MALFORMED', { box: 'moov', detail: `duplicate track_ID ${track.trackId}` });
    ids.add(track.trackId);
  }
  const mvex = findChild(children, 'mvex', 'moov');
  const moofs = top.filter((b) => b.type === 'moof');
  let tracks: TrackIndex[];
  let fragmented = false;
  if (mvex && moofs.length > 0) {
    fragmented = true;
    // Samples in the moov's own tables (a "hybrid" file) are not combined with fragments: ffmpeg and
    // mp4split write empty tables there, and mixing both orders is a case we refuse rather than guess.
    const withSamples = basics.filter((b) => (findChild(b.stbl, 'stsz', 'stbl')?.payload.length ?? 0) > 12);
    if (withSamples.length > 0) throw new SgError('SG_ERR_MP4_UNSUPPORTED', { detail: 'samples both in moov and in fragments' });
    tracks = await indexFragments(source, moofs, basics, readTrackExtends(mvex.payload));
  } else {
    tracks = basics.map((b) => indexStblTrack(b, source.sizeBytes));
  }
  let estimatedBytes = 1024 + mvhdBox.raw.byteLength + (ftyp?.byteLength ?? 0);
  for (const track of tracks) estimatedBytes += trackIndexBytes(track);
  return {
    fileSizeBytes: source.sizeBytes,
    ftyp,
    movieTimescale: mvhd.timescale,
    movieDurationTs: mvhd.durationTs,
    nextTrackId: mvhd.nextTrackId,
    mvhd: mvhdBox.raw.slice(),
    tracks,
    moovExtras: children.filter((b) => b.type === 'udta').map((b) => b.raw.slice()),
    fragmented,
    estimatedBytes,
  };
}
