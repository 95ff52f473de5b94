/**
 * Path info after `X.ism` in the IIS layout (INTERFACE §5; SPEC-NOTES §2.6 "URL forms"): `/Manifest`
 * (any case, as IIS), `/QualityLevels(N)/Fragments(<name>=T)` and `/QualityLevels(N)/FragmentInfo(<name>=T)`
 * (the moof alone, [MS-SSTR] 2.2.7). Anything after a comma inside `QualityLevels(…)` is accepted and
 * ignored (MS-SSTR custom attributes). `<name>` is a StreamIndex Name: `video`, `audio`, or the
 * `video_<x>` / `audio_<x>` forms. Also the original's query form on the server manifest itself,
 * `X.ism?bitrate=N&video=T` (SPEC-NOTES §1.3 "URL shapes").
 */
import { SgError } from '../../errors';
import { parseSmoothTime } from './query';
import type { SmoothTrackType } from './timeline';

export type IisTarget =
  | { readonly kind: 'manifest' }
  | { readonly kind: 'fragment'; readonly bitrateBps: number; readonly type: SmoothTrackType; readonly timeHns: number; readonly infoOnly: boolean }
  | { readonly kind: 'unknown' };

function typeOfName(name: string): SmoothTrackType | null {
  if (name === 'video' || name.startsWith('video_')) return 'video';
  if (name === 'audio' || name.startsWith('audio_')) return 'audio';
  return null;
}

export function parseIisTarget(pathInfo: string, rawQuery: string): IisTarget {
  if (/^\/manifest\/?$/i.test(pathInfo)) return { kind: 'manifest' };
  const m = /^\/QualityLevels\(([^),]*)(?:,[^)]*)?\)\/(Fragments|FragmentInfo)\(([^=)]+)=([^)]*)\)$/.exec(pathInfo);
  if (m) {
    if (!/^[0-9]{1,15}$/.test(m[1]!)) throw new SgError('SG_ERR_STREAM_BAD_PARAMETER', { name: 'QualityLevels', value: m[1]!.slice(0, 64) });
    const type = typeOfName(m[3]!);
    if (!type) return { kind: 'unknown' };
    return { kind: 'fragment', bitrateBps: Number(m[1]), type, timeHns: parseSmoothTime(m[3]!, m[4]!), infoOnly: m[2] === 'FragmentInfo' };
  }
  if (pathInfo === '' || pathInfo === '/') {
    const query = rawQuery.startsWith('?') ? rawQuery.slice(1) : rawQuery;
    let bitrate: string | undefined;
    let fragment: { type: SmoothTrackType; key: string; value: string } | undefined;
    for (const pair of query.split('&')) {
      const equals = pair.indexOf('=');
      if (equals < 0) continue;
      const key = pair.slice(0, equals);
      const value = pair.slice(equals + 1);
      if (key === 'bitrate') bitrate ??= value;
      const type = typeOfName(key);
      if (type && !fragment) fragment = { type, key, value };
    }
    if (bitrate !== undefined && fragment) {
      if (!/^[0-9]{1,15}$/.test(bitrate)) throw new SgError('SG_ERR_STREAM_BAD_PARAMETER', { name: 'bitrate', value: bitrate.slice(0, 64) });
      return { kind: 'fragment', bitrateBps: Number(bitrate), type: fragment.type, timeHns: parseSmoothTime(fragment.key, fragment.value), infoOnly: false };
    }
  }
  return { kind: 'unknown' };
}
