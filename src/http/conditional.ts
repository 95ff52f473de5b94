/**
 * Conditional requests (RFC 9110 §13.2.2, evaluation order): If-Match → If-Unmodified-Since (only
 * without If-Match) → If-None-Match → If-Modified-Since (only without If-None-Match, GET/HEAD only);
 * and If-Range (§13.1.5), which only a strong ETag match or an exact Last-Modified date satisfies.
 */

export type ConditionOutcome = 'proceed' | 'not-modified' | 'precondition-failed';

export interface Validators {
  /** Strong entity tag with quotes, e.g. `"abc"`. */
  readonly etag?: string | undefined;
  readonly lastModified?: Date | undefined;
}

type HeaderValue = string | string[] | undefined;

function headerText(value: HeaderValue): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

function tagList(value: string): string[] {
  return value.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
}

function opaque(tag: string): string {
  return tag.startsWith('W/') ? tag.slice(2) : tag;
}

function parseHttpDate(value: string | undefined): number | null {
  if (value === undefined) return null;
  const time = Date.parse(value);
  return Number.isNaN(time) ? null : Math.floor(time / 1000);
}

function seconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}

/**
 * `nowMs` is the server's clock at the request: an If-Modified-Since later than it is no valid
 * validator (RFC 7232 §3.3 "a date which is later than the server's current time is invalid";
 * Apache's ap_condition_if_modified_since requires `ims <= r->request_time`), so it never earns a 304.
 */
export function evaluateConditions(method: string, headers: Readonly<Record<string, HeaderValue>>, validators: Validators, nowMs: number): ConditionOutcome {
  const ifMatch = headerText(headers['if-match']);
  if (ifMatch !== undefined) {
    // Strong comparison (§8.8.3.2): a weak tag never matches.
    const tags = tagList(ifMatch);
    const matched = tags.includes('*') ? validators.etag !== undefined || validators.lastModified !== undefined : validators.etag !== undefined && tags.some((t) => !t.startsWith('W/') && t === validators.etag);
    if (!matched) return 'precondition-failed';
  } else {
    const since = parseHttpDate(headerText(headers['if-unmodified-since']));
    if (since !== null && validators.lastModified && seconds(validators.lastModified) > since) return 'precondition-failed';
  }
  const ifNoneMatch = headerText(headers['if-none-match']);
  const readOnly = method === 'GET' || method === 'HEAD';
  if (ifNoneMatch !== undefined) {
    // Weak comparison (§13.1.2).
    const tags = tagList(ifNoneMatch);
    const matched = tags.includes('*') || (validators.etag !== undefined && tags.some((t) => opaque(t) === opaque(validators.etag!)));
    if (matched) return readOnly ? 'not-modified' : 'precondition-failed';
  } else if (readOnly) {
    const since = parseHttpDate(headerText(headers['if-modified-since']));
    const sinceIsPast = since !== null && since <= Math.floor(nowMs / 1000);
    if (sinceIsPast && validators.lastModified && seconds(validators.lastModified) <= since) return 'not-modified';
  }
  return 'proceed';
}

/** True when a Range request may be honoured: no If-Range, or one that matches (§13.1.5). */
export function ifRangeAllows(headers: Readonly<Record<string, HeaderValue>>, validators: Validators): boolean {
  const value = headerText(headers['if-range'])?.trim();
  if (value === undefined || value === '') return true;
  if (value.startsWith('"') || value.startsWith('W/')) return !value.startsWith('W/') && validators.etag !== undefined && value === validators.etag;
  const date = parseHttpDate(value);
  return date !== null && validators.lastModified !== undefined && seconds(validators.lastModified) === date;
}
