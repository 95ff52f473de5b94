/**
 * The Smooth Streaming query keys of `h264-streaming` (INTERFACE §5 table and last paragraph): `manifest`
 * (any value) asks for the client manifest; `video=T` / `audio=T` — and `video_<name>=T` /
 * `audio_<name>=T`, the form IIS track names take through the seed's rules — ask for the fragment at T,
 * an unsigned integer in 100-ns ticks (INTERFACE §7). Keys compare exactly and case-sensitively, the
 * first Smooth key wins, unknown keys (`client`, cache-busters) are ignored; a malformed time is 400
 * (INTERFACE §6). Like the progressive query, nothing is %-decoded (SPEC-NOTES §1.1).
 */
import { SgError } from '../../errors';
import type { SmoothTrackType } from './timeline';

export type SmoothQuery =
  | { readonly kind: 'manifest' }
  | {
      readonly kind: 'fragment';
      readonly type: SmoothTrackType;
      /** The key as given (`video`, `audio_eng`), for logs. */
      readonly key: string;
      /** 100-ns ticks; +Infinity for a well-formed number beyond 2^53 (past any fragment: 404). */
      readonly timeHns: number;
    }
  | { readonly kind: 'none' };

function fragmentType(key: string): SmoothTrackType | null {
  if (key === 'video' || key.startsWith('video_')) return 'video';
  if (key === 'audio' || key.startsWith('audio_')) return 'audio';
  return null;
}

/** An unsigned decimal integer (no sign, no exponent, no spaces), as Smooth Streaming times are. */
export function parseSmoothTime(name: string, value: string): number {
  if (!/^[0-9]+$/.test(value)) throw new SgError('SG_ERR_STREAM_BAD_PARAMETER', { name, value: value.slice(0, 64) });
  const parsed = Number(value);
  return Number.isSafeInteger(parsed) ? parsed : Number.POSITIVE_INFINITY;
}

export function parseSmoothQuery(rawQuery: string): SmoothQuery {
  const text = rawQuery.startsWith('?') ? rawQuery.slice(1) : rawQuery;
  for (const pair of text.split('&')) {
    const equals = pair.indexOf('=');
    if (equals < 0) continue;
    const key = pair.slice(0, equals);
    if (key === 'manifest') return { kind: 'manifest' };
    const type = fragmentType(key);
    if (type) return { kind: 'fragment', type, key, timeHns: parseSmoothTime(key, pair.slice(equals + 1)) };
  }
  return { kind: 'none' };
}

/** True when `h264-streaming` should hand the request to handleSmooth rather than handleProgressive. */
export function isSmoothQuery(rawQuery: string): boolean {
  try {
    return parseSmoothQuery(rawQuery).kind !== 'none';
  } catch {
    return true; // a malformed Smooth time: handleSmooth answers the 400
  }
}
