/**
 * The progressive handler's query (INTERFACE §5 last paragraph; SPEC-NOTES §1.1 "Query parsing"):
 * the raw query split on `&`, key and value on the first `=`, keys compared exactly and
 * case-sensitively — a deliberate divergence from the original, whose prefix match turned a
 * cache-buster `v=3` into `vbegin=3` (SPEC-NOTES §1 P11). A key without `=` is ignored (as the
 * original: bare `?adaptive` does nothing); unknown keys are ignored; `client=` is accepted and
 * ignored (its only user was commented out in 2.2.7). Malformed numbers answer 400 (INTERFACE §6).
 * The first occurrence of a key wins (nginx's ngx_http_arg does the same).
 */
import { SgError } from '../../errors';
import { parseDecimalSeconds, type DecimalSeconds } from './decimal-seconds';

export interface ProgressiveQuery {
  readonly startSec?: DecimalSeconds;
  readonly endSec?: DecimalSeconds;
  readonly vbeginSec?: DecimalSeconds;
  readonly vendSec?: DecimalSeconds;
  /** Any value, even `0` (the original: "any value → metadata only"). */
  readonly adaptive: boolean;
}

const SECONDS_KEYS = ['start', 'end', 'vbegin', 'vend'] as const;
type SecondsKey = (typeof SECONDS_KEYS)[number];

export function parseProgressiveQuery(rawQuery: string): ProgressiveQuery {
  const text = rawQuery.startsWith('?') ? rawQuery.slice(1) : rawQuery;
  const seconds: Partial<Record<SecondsKey, DecimalSeconds>> = {};
  let adaptive = false;
  for (const pair of text.split('&')) {
    const equals = pair.indexOf('=');
    if (equals < 0) continue;
    const key = pair.slice(0, equals);
    const value = pair.slice(equals + 1);
    if (key === 'adaptive') {
      adaptive = true;
      continue;
    }
    if (!(SECONDS_KEYS as readonly string[]).includes(key)) continue;
    const name = key as SecondsKey;
    if (seconds[name] !== undefined) continue;
    const parsed = parseDecimalSeconds(value);
    if (!parsed) throw new SgError('SG_ERR_STREAM_BAD_PARAMETER', { name, value: value.slice(0, 64) });
    seconds[name] = parsed;
  }
  return {
    ...(seconds.start ? { startSec: seconds.start } : {}),
    ...(seconds.end ? { endSec: seconds.end } : {}),
    ...(seconds.vbegin ? { vbeginSec: seconds.vbegin } : {}),
    ...(seconds.vend ? { vendSec: seconds.vend } : {}),
    adaptive,
  };
}

/** True when the query asks for a generated body rather than the file as it is. */
export function wantsCut(query: ProgressiveQuery): boolean {
  return query.startSec !== undefined || query.endSec !== undefined || query.vbeginSec !== undefined || query.vendSec !== undefined || query.adaptive;
}
