/**
 * Which `Url` template a manifest carries (INTERFACE §5.2): relative to the URL the client asked for,
 * so that every fragment URL a player builds comes back to us through the site's own rewrite rules, or
 * without any. Players drop the manifest's query and resolve `Url` against its directory (SPEC-NOTES
 * §2.4 "Relative resolution"); they substitute only `{bitrate}` and `{start time}`.
 *
 * | client asked for                           | single MP4                    | set (`X.ism/`)                                   |
 * | `…/X.ism/manifest?…`, `…/X.ism/Manifest`   | `Fragments(video={start time})` | `QualityLevels({bitrate})/Fragments(video={start time})` |
 * | `…/X.mp4?manifest=1`                       | `X.mp4?video={start time}`    | `X.ism/X_{bitrate}.ismv?video={start time}`        |
 */
import { basename } from 'node:path';

export type UrlForm = 'fragments' | 'direct';

/** The raw path's last segment, as the client spelled it (no decoding: it is pasted back into a URL). */
function lastSegment(target: string): string {
  const q = target.indexOf('?');
  const path = q < 0 ? target : target.slice(0, q);
  return path.slice(path.lastIndexOf('/') + 1);
}

/**
 * `fragments` when the client's own URL ended in a `Manifest` segment (any case: the IIS layout and
 * the seed's `X.ism/manifest?…` rule), else `direct` (`X.mp4?manifest=1` asked as such).
 */
export function urlFormOf(originalTarget: string | undefined): UrlForm {
  if (originalTarget === undefined) return 'direct';
  return lastSegment(originalTarget).toLowerCase() === 'manifest' ? 'fragments' : 'direct';
}

export interface UrlTemplates {
  readonly video: string;
  readonly audio: string;
}

/** Templates for a single MP4; `mp4Name` is the name the client used (else the mapped file's). */
export function singleFileTemplates(form: UrlForm, filePath: string, originalTarget: string | undefined): UrlTemplates {
  if (form === 'fragments') return { video: 'Fragments(video={start time})', audio: 'Fragments(audio={start time})' };
  const asked = originalTarget !== undefined ? lastSegment(originalTarget) : '';
  const name = asked !== '' ? asked : encodeURIComponent(basename(filePath));
  return { video: `${name}?video={start time}`, audio: `${name}?audio={start time}` };
}

/** Templates for a multi-bit-rate set; `stem` is X of `X.mp4` / `X.ism`. */
export function setTemplates(form: UrlForm, stem: string): UrlTemplates {
  if (form === 'fragments') {
    return { video: 'QualityLevels({bitrate})/Fragments(video={start time})', audio: 'QualityLevels({bitrate})/Fragments(audio={start time})' };
  }
  const s = encodeURIComponent(stem);
  return { video: `${s}.ism/${s}_{bitrate}.ismv?video={start time}`, audio: `${s}.ism/${s}_{bitrate}.ismv?audio={start time}` };
}
