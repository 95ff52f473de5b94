/**
 * Header boxes (ISO/IEC 14496-12): MovieHeaderBox `mvhd` §8.2.2, TrackHeaderBox `tkhd` §8.3.2,
 * MediaHeaderBox `mdhd` §8.4.2, HandlerBox `hdlr` §8.4.3. Version 1 widens only the times and the
 * duration to 64 bits — never track_ID (STYLE.md §9, the shaka revision that got it wrong).
 */
import { ByteCursor } from '../byte-cursor';
import { SgError } from '../../errors';

export interface MovieHeader {
  readonly timescale: number;
  readonly durationTs: number;
  readonly nextTrackId: number;
}

export function parseMvhd(payload: Uint8Array): MovieHeader {
  const c = new ByteCursor(payload, 'mvhd');
  const { version } = c.fullBoxHeader();
  if (version === 1) c.skip(16, 'creation/modification times');
  else c.skip(8, 'creation/modification times');
  const timescale = c.u32();
  const durationTs = version === 1 ? c.durationU64('duration') : c.u32();
  c.skip(4 + 2 + 10 + 36 + 24, 'rate..pre_defined');
  const nextTrackId = c.u32();
  if (timescale === 0) throw new SgError('SG_ERR_MP4_MALFORMED', { box: 'mvhd', detail: 'timescale 0' });
  return { timescale, durationTs, nextTrackId };
}

export interface TrackHeader {
  readonly trackId: number;
  /** In the movie timescale. */
  readonly durationTs: number;
  readonly widthPx: number;
  readonly heightPx: number;
}

export function parseTkhd(payload: Uint8Array): TrackHeader {
  const c = new ByteCursor(payload, 'tkhd');
  const { version } = c.fullBoxHeader();
  c.skip(version === 1 ? 16 : 8, 'creation/modification times');
  const trackId = c.u32();
  c.skip(4, 'reserved');
  const durationTs = version === 1 ? c.durationU64('duration') : c.u32();
  c.skip(8 + 2 + 2 + 2 + 2 + 36, 'reserved..matrix');
  const widthPx = c.u32() / 65536;
  const heightPx = c.u32() / 65536;
  return { trackId, durationTs, widthPx, heightPx };
}

export interface MediaHeader {
  readonly timescale: number;
  readonly durationTs: number;
  /** ISO 639-2/T packed as three 5-bit letters. */
  readonly language: string;
}

export function parseMdhd(payload: Uint8Array): MediaHeader {
  const c = new ByteCursor(payload, 'mdhd');
  const { version } = c.fullBoxHeader();
  c.skip(version === 1 ? 16 : 8, 'creation/modification times');
  const timescale = c.u32();
  const durationTs = version === 1 ? c.durationU64('duration') : c.u32();
  const packed = c.u16();
  const language = String.fromCharCode(((packed >> 10) & 31) + 0x60, ((packed >> 5) & 31) + 0x60, (packed & 31) + 0x60);
  if (timescale === 0) throw new SgError('SG_ERR_MP4_MALFORMED', { box: 'mdhd', detail: 'timescale 0' });
  return { timescale, durationTs, language };
}

/** `hdlr` handler_type: 'vide', 'soun', 'hint', 'subt', 'text', 'meta', … */
export function parseHdlr(payload: Uint8Array): string {
  const c = new ByteCursor(payload, 'hdlr');
  c.fullBoxHeader();
  c.skip(4, 'pre_defined');
  return c.fourCC();
}

/**
 * Where the duration field sits inside a version-0/1 header payload, so a rewriter can patch it without
 * re-serialising fields it does not understand. mvhd/mdhd: after the two times and the timescale;
 * tkhd: after the two times, track_ID and a reserved word.
 */
export function durationFieldOffset(type: 'mvhd' | 'mdhd' | 'tkhd', version: number): number {
  const times = version === 1 ? 16 : 8;
  return 4 + times + (type === 'tkhd' ? 8 : 4);
}
