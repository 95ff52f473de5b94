/**
 * Fragments of a track whose samples are Annex-B byte streams (the 2009 mp4split's `.ismv`; SPEC-NOTES
 * §1.4 F1). MS-SSTR fragments from IIS and ffmpeg carry length-prefixed NAL units, and dash.js, Shaka
 * and ExoPlayer all declare 4-byte lengths in the avcC they build (SPEC-NOTES §2.3 "NAL length"), so
 * start codes would be read as lengths: the fragment's samples are read in one span, every sample is
 * reframed to 4-byte lengths (mp4/annex-b.ts) and the trun carries the new sizes. Parameter sets the
 * writer put in front of each fragment's first sample stay in it (in-band SPS/PPS are valid in avc1
 * samples and equal the manifest's).
 */
import { annexBToLengthPrefixed } from '../../mp4/annex-b';
import type { ClosableRangeSource } from '../../mp4/range-source';
import { SgError } from '../../errors';
import type { ReframedSamples } from './fragment';
import type { SmoothTrackTimeline } from './timeline';

/** The fragment's samples as 4-byte length-prefixed NAL units. */
export async function reframeFragmentSamples(timeline: SmoothTrackTimeline, fragment: number, sourcePath: string, openSource: (path: string) => Promise<ClosableRangeSource>): Promise<ReframedSamples> {
  const { track } = timeline;
  const first = timeline.fragmentFirstSample[fragment]!;
  const end = timeline.fragmentFirstSample[fragment + 1]!;
  let spanStart = Infinity;
  let spanEnd = 0;
  for (let i = first; i < end; i++) {
    spanStart = Math.min(spanStart, track.offsetBytes[i]!);
    spanEnd = Math.max(spanEnd, track.offsetBytes[i]! + track.sizeBytes[i]!);
  }
  const source = await openSource(sourcePath);
  let span: Uint8Array;
  try {
    span = end > first ? await source.read(spanStart, spanEnd - spanStart) : new Uint8Array(0);
  } finally {
    await source.close();
  }
  if (end > first && span.length !== spanEnd - spanStart) throw new SgError('SG_ERR_MP4_IO', { file: sourcePath, reason: 'file shorter than its index (changed under us)' });
  const sizesBytes = new Uint32Array(end - first);
  const samples: Uint8Array[] = [];
  let total = 0;
  for (let i = first; i < end; i++) {
    const at = track.offsetBytes[i]! - spanStart;
    const sample = annexBToLengthPrefixed(span.subarray(at, at + track.sizeBytes[i]!));
    sizesBytes[i - first] = sample.length;
    samples.push(sample);
    total += sample.length;
  }
  const payload = new Uint8Array(total);
  let at = 0;
  for (const sample of samples) {
    payload.set(sample, at);
    at += sample.length;
  }
  return { sizesBytes, payload };
}
