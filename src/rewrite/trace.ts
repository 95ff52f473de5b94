/** `explain` steps (RequestRec.trace), pushed only when a trace is being recorded. */
import type { RequestRec } from '../routing/request-rec';

export function trace(r: RequestRec, text: string): void {
  if (r.trace !== null) r.trace.push({ phase: 'rewrite', text });
}
