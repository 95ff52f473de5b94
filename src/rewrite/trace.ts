/**
 * `explain` steps (RequestRec.trace), pushed only when a trace is being recorded. Hot callers test
 * `r.trace !== null` first, so that the step's text is not even built when nobody records it.
 */
import type { RequestRec } from '../routing/request-rec';

export function trace(r: RequestRec, text: string): void {
  if (r.trace !== null) r.trace.push({ phase: 'rewrite', text });
}
