/**
 * The `streaming` keys of smoothgate.yaml the Smooth handler reads (INTERFACE §3), with their defaults.
 */
import { SMOOTH_TIMESCALE } from './time-hns';

export interface SmoothOptions {
  /** `streaming.manifestContentType`, on GET and HEAD alike (INTERFACE §5.4). */
  readonly manifestContentType: string;
  /** `streaming.gzip`: gzip manifests when the client accepts it (never fragments: SPEC-NOTES §2.5 item 11). */
  readonly gzip: boolean;
  /** `streaming.cors.allowOrigin`; null = no header. Sent on every answer, errors too (SPEC-NOTES §2.5 item 10). */
  readonly corsAllowOrigin: string | null;
  /** `streaming.cacheControl.manifest` / `.fragment`; null = no header. */
  readonly cacheControlManifest: string | null;
  readonly cacheControlFragment: string | null;
  /** `streaming.audioOnlyFragment` in 100-ns ticks. */
  readonly audioOnlyFragmentHns: number;
}

export const DEFAULT_SMOOTH_OPTIONS: SmoothOptions = {
  manifestContentType: 'application/vnd.ms-sstr+xml',
  gzip: true,
  corsAllowOrigin: '*',
  cacheControlManifest: 'max-age=2',
  cacheControlFragment: 'max-age=31536000, immutable',
  audioOnlyFragmentHns: 2 * SMOOTH_TIMESCALE,
};

export function resolveSmoothOptions(partial: Partial<SmoothOptions> | undefined): SmoothOptions {
  return { ...DEFAULT_SMOOTH_OPTIONS, ...(partial ?? {}) };
}
