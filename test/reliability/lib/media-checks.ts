/**
 * The verdict on one response of the media suites (INTERFACE §6): the status is one the streaming
 * handlers may give, a 500 only with an I/O reason (SG_ERR_MP4_IO; otherwise it is our bug), every
 * 4xx/5xx has its reason logged with an SG_ERR_ code (§6 last line), and a body never stops short of
 * the Content-Length the headers announced.
 */
import type { RawResponse } from './raw-http';
import type { ServeUnderTest } from './serve-under-test';

export const MEDIA_STATUSES = new Set([200, 206, 400, 403, 404, 415, 416]);

/** The pino events logged for the request that started at `mark`; waits briefly for the line to land. */
async function eventsFor(serve: ServeUnderTest, mark: number, want: (e: Record<string, unknown>) => boolean): Promise<Array<Record<string, unknown>>> {
  for (let waited = 0; waited <= 1000; waited += 25) {
    const events = serve.eventsSince(mark);
    if (events.some(want)) return events;
    await new Promise((r) => setTimeout(r, 25));
  }
  return serve.eventsSince(mark);
}

/** Problems with one response (empty = fine). */
export async function judgeMediaResponse(serve: ServeUnderTest, mark: number, response: RawResponse): Promise<string[]> {
  const problems: string[] = [];
  if (response.hung) return problems; // counted as a hang by the caller
  const status = response.status;
  if (status === null) {
    problems.push('connection closed before any response');
    return problems;
  }
  // 301 only as mod_dir's DirectorySlash redirect of a directory (Apache's answer before any handler).
  const directorySlash = status === 301 && (response.headers.location ?? '').split('?')[0]!.endsWith('/');
  if (!MEDIA_STATUSES.has(status) && status !== 500 && !directorySlash) problems.push(`status ${status} not in the contract`);
  const declared = response.headers['content-length'];
  if (declared !== undefined && response.body.length < Number(declared)) {
    problems.push(`body cut at ${response.body.length} of ${declared} bytes`);
  }
  let events = serve.eventsSince(mark);
  if (status >= 400) {
    events = await eventsFor(serve, mark, (e) => typeof e.code === 'string' && (e.code as string).startsWith('SG_ERR_'));
    const coded = events.filter((e) => typeof e.code === 'string' && (e.code as string).startsWith('SG_ERR_'));
    if (coded.length === 0) problems.push(`${status} without a logged SG_ERR_ reason`);
    if (status === 500 && !coded.some((e) => e.code === 'SG_ERR_MP4_IO')) problems.push(`500 without an I/O reason (${coded.map((e) => e.code).join(',')})`);
  }
  // The handlers map a non-SgError to a 415 and log it as unexpected: that is a bug, whatever the status.
  for (const e of events) {
    if (typeof e.msg === 'string' && e.msg.startsWith('unexpected failure')) problems.push(`unexpected failure logged: ${String(e.err).slice(0, 200)}`);
  }
  return problems;
}
