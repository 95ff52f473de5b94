/**
 * ISMV passthrough (issue 5 "Fragments": "from ISMV … with the original bytes passed through unless
 * they need fixing"): when a fragmented source's own moof+mdat already is the fragment we would build,
 * it is sent as one byte range of the file instead of a rebuilt moof. "Already is" means
 * (fragment-index.ts decides the per-moof part when it indexes the file): one traf of this track in
 * the moof, one trun with data_offset = moof size + 8 and its own durations, sizes and flags (players
 * synthesise a trex of zeros, SPEC-NOTES §2.3, §2.5 pitfall 6), a tfxd ([MS-SSTR] 2.2.4.4), the mdat
 * right after the moof with an 8-byte header holding exactly those samples; and here: the track is
 * track_ID 1 with timescale 10,000,000 (so the trun's times are already the manifest's, INTERFACE §7),
 * its samples are length-prefixed (not the 2009 Annex-B form), and the source moof holds exactly the
 * samples of our fragment. Everything else — ffmpeg's muxed ismv (audio as track 2), files without
 * tfxd, the 2009 mp4split's files — is rebuilt (fragment.ts).
 */
import type { SmoothTrackTimeline } from './timeline';
import { FRAGMENT_TRACK_ID } from './fragment';
import { SMOOTH_TIMESCALE } from './time-hns';

export interface VerbatimFragment {
  readonly offsetBytes: number;
  /** moof + mdat. */
  readonly lengthBytes: number;
  readonly moofBytes: number;
}

/** The file range holding fragment `fragment` of the timeline as it is sent, or null when it must be rebuilt. */
export function verbatimFragment(timeline: SmoothTrackTimeline, fragment: number): VerbatimFragment | null {
  const { track } = timeline;
  const source = track.sourceFragments;
  if (!source || track.annexB || track.trackId !== FRAGMENT_TRACK_ID || track.timescale !== SMOOTH_TIMESCALE) return null;
  const first = timeline.fragmentFirstSample[fragment]!;
  const end = timeline.fragmentFirstSample[fragment + 1]!;
  const starts = source.firstSample;
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= first) lo = mid;
    else hi = mid - 1;
  }
  if (starts.length === 0 || starts[lo] !== first) return null;
  const nextStart = lo + 1 < starts.length ? starts[lo + 1]! : track.sampleCount;
  if (nextStart !== end) return null;
  const lengthBytes = source.verbatimSizeBytes[lo]!;
  if (lengthBytes === 0) return null;
  return { offsetBytes: source.moofOffsetBytes[lo]!, lengthBytes, moofBytes: source.moofSizeBytes[lo]! };
}
