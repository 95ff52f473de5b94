/**
 * Folding vbegin/vend into start/end (SPEC-NOTES §1.1 table, keys `vbegin`, `vend`): start and end are
 * relative to vbegin, vend is absolute; a start or end outside the clip answers 403 as the original
 * did (INTERFACE §6). `end ≤ start` as given answers 400 (INTERFACE §6).
 */
import { SgError } from '../../errors';
import { addSeconds, compareSeconds, formatSeconds, isZeroSeconds, ZERO_SECONDS, type DecimalSeconds } from './decimal-seconds';
import type { ProgressiveQuery } from './query';

export interface ResolvedClip {
  /** Absolute start in the source's presentation timeline; undefined = from the beginning. */
  readonly startSec?: DecimalSeconds;
  /** Absolute end; undefined = to the end. */
  readonly endSec?: DecimalSeconds;
}

export function resolveClip(query: ProgressiveQuery): ResolvedClip {
  const { startSec, endSec, vbeginSec, vendSec } = query;
  if (endSec !== undefined && compareSeconds(endSec, startSec ?? ZERO_SECONDS) <= 0) {
    throw new SgError('SG_ERR_STREAM_BAD_PARAMETER', { name: 'end', value: formatSeconds(endSec) });
  }
  const vbegin = vbeginSec ?? ZERO_SECONDS;
  const absoluteStart = startSec !== undefined || vbeginSec !== undefined ? addSeconds(startSec ?? ZERO_SECONDS, vbegin) : undefined;
  const absoluteEnd = endSec !== undefined ? addSeconds(endSec, vbegin) : vendSec !== undefined && !isZeroSeconds(vendSec) ? vendSec : undefined;
  if (vendSec !== undefined && !isZeroSeconds(vendSec)) {
    if (absoluteStart !== undefined && compareSeconds(absoluteStart, vendSec) > 0) {
      throw new SgError('SG_ERR_STREAM_OUTSIDE_CLIP', { name: 'start', value: formatSeconds(absoluteStart) });
    }
    if (absoluteEnd !== undefined && compareSeconds(absoluteEnd, vendSec) > 0) {
      throw new SgError('SG_ERR_STREAM_OUTSIDE_CLIP', { name: 'end', value: formatSeconds(absoluteEnd) });
    }
  }
  if (absoluteStart !== undefined && vendSec !== undefined && !isZeroSeconds(vendSec) && compareSeconds(absoluteStart, vendSec) === 0) {
    throw new SgError('SG_ERR_STREAM_OUTSIDE_CLIP', { name: 'start', value: formatSeconds(absoluteStart) });
  }
  return {
    ...(absoluteStart !== undefined && !isZeroSeconds(absoluteStart) ? { startSec: absoluteStart } : {}),
    ...(absoluteEnd !== undefined ? { endSec: absoluteEnd } : {}),
  };
}
