/**
 * Opens an MP4 (ISO/IEC 14496-12) through a RangeSource and indexes it: top-level boxes scanned header
 * by header (moov before or after mdat, several mdat, size 0, 64-bit sizes), the moov read into memory
 * (bounded), every trak indexed from its stbl or, for fragmented files (mvex present), from the moofs.
 */
import { SgError } from '../errors';
import { findChild, readChildren, readWholeBox, requireChild, scanTopLevel, type BoxLocation } from './box-reader';
import { avcConfigFromAnnexB, looksLikeAnnexB, withFourByteLengths } from './annex-b';
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
  // Samples in the moov's own tables (a "hybrid" file) are not combined with fragments: ffmpeg and
  // mp4split write empty tables there, and mixing both orders is a case we refuse rather than guess.
  const withSamples = basics.filter((b) => (findChild(b.stbl, 'stsz', 'stbl')?.payload.length ?? 0) > 12 || findChild(b.stbl, 'stz2', 'stbl') !== undefined);
  // The 2009 mp4split wrote moofs without any mvex and an stbl of only stsd/stts/ctts (SPEC-NOTES §1.3,
  // §1.4 F8): a file whose moov holds no samples but whose moofs do is read as fragmented all the same,
  // with no trex (the tfhd/trun values are the only defaults).
  if (moofs.length > 0 && (mvex || withSamples.length === 0)) {
    fragmented = true;
    if (withSamples.length > 0) throw new SgError('SG_ERR_MP4_UNSUPPORTED', { detail: 'samples both in moov and in fragments' });
    const after = new Map<number, BoxLocation>();
    for (let i = 0; i + 1 < top.length; i++) after.set(top[i]!.offsetBytes, top[i + 1]!);
    const fragmentTracks = await indexFragments(source, moofs, basics, mvex ? readTrackExtends(mvex.payload) : new Map(), (moof) => after.get(moof.offsetBytes));
    tracks = [];
    for (const track of fragmentTracks) tracks.push(await withSampleFraming(source, track));
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

const AVC_FORMATS = new Set(['avc1', 'avc3']);
/** Enough of a first sample to find its parameter sets (the 2009 writer put SPS/PPS first). */
const MAX_PROBE_BYTES = 64 * 1024;

/**
 * Marks an AVC track of a fragmented file whose samples are Annex-B byte streams (the 2009 mp4split,
 * SPEC-NOTES §1.4 F1) and gives it the decoder configuration players need: its avcC with 4-byte lengths
 * (the form after reframing), or, when the sample entry has no avcC, one built from the SPS/PPS in the
 * first sample (looksLikeAnnexB: a start code that does not also read as NAL lengths).
 */
async function withSampleFraming(source: RangeSource, track: TrackIndex): Promise<TrackIndex> {
  const codec = track.codecs[0];
  if (track.handlerType !== 'vide' || !codec || !AVC_FORMATS.has(codec.format) || track.sampleCount === 0) return track;
  const record = codec.decoderConfigRecord;
  const lengthSizeBytes = record && record.length > 4 ? (record[4]! & 3) + 1 : null;
  const first = await source.read(track.offsetBytes[0]!, Math.min(track.sizeBytes[0]!, MAX_PROBE_BYTES));
  if (!looksLikeAnnexB(first, track.sizeBytes[0]!, lengthSizeBytes)) return track;
  const config = record ? withFourByteLengths(record) : avcConfigFromAnnexB(first);
  if (!config) throw new SgError('SG_ERR_MP4_UNSUPPORTED', { detail: `track ${track.trackId}: Annex-B samples without SPS/PPS and no avcC` });
  const codecs = track.codecs.map((c, i) => (i === 0 ? { ...c, decoderConfigRecord: config } : c));
  return { ...track, codecs, annexB: true };
}
