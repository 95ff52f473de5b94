/**
 * EditListBox `elst` (ISO/IEC 14496-12 §8.6.6) inside `edts`. We read the common shapes: optional
 * empty edits (media_time = -1) followed by one normal edit; the track's presentation then starts
 * `emptyDurationTs` (movie timescale) after zero, at media time `mediaTimeTs` (track timescale).
 * Further edits are ignored (dwell/repeat edits are unheard of in VOD MP4).
 */
import { ByteCursor } from '../byte-cursor';

export interface EditEntry {
  /** segment_duration, movie timescale. */
  readonly segmentDurationTs: number;
  /** media_time, track timescale; -1 = empty edit. */
  readonly mediaTimeTs: number;
  readonly mediaRateInteger: number;
}

export function parseElst(payload: Uint8Array): EditEntry[] {
  const c = new ByteCursor(payload, 'elst');
  const { version } = c.fullBoxHeader();
  const n = c.entryCount(version === 1 ? 20 : 12, 'entries');
  const out: EditEntry[] = [];
  for (let i = 0; i < n; i++) {
    const segmentDurationTs = version === 1 ? c.u64('segment_duration') : c.u32();
    const mediaTimeTs = version === 1 ? c.i64('media_time') : c.i32();
    const mediaRateInteger = c.u16();
    c.skip(2, 'media_rate_fraction');
    out.push({ segmentDurationTs, mediaTimeTs, mediaRateInteger });
  }
  return out;
}

export interface EditSummary {
  /** Sum of the leading empty edits, movie timescale. */
  readonly emptyDurationTs: number;
  /** media_time of the first normal edit (track timescale), 0 without one. */
  readonly mediaTimeTs: number;
}

export function summarizeEdits(entries: readonly EditEntry[]): EditSummary {
  let emptyDurationTs = 0;
  for (const entry of entries) {
    if (entry.mediaTimeTs === -1) {
      emptyDurationTs += entry.segmentDurationTs;
      continue;
    }
    return { emptyDurationTs, mediaTimeTs: Math.max(0, entry.mediaTimeTs) };
  }
  return { emptyDurationTs, mediaTimeTs: 0 };
}
