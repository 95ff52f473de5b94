/**
 * Names for decisions in metrics and logs, and which configured handlers mean "send the file".
 */
import type { RouteDecision } from '../routing/decision';
import { handlerKey, type HandlerTable } from './raw-request';

/**
 * Apache handlers whose job is to send the file itself (core's default handler, and the
 * pseudo-handlers mod_mime assigns to plain files); every other handler name is a program of some
 * module (php, cgi-script, proxy:fcgi://…, server-status …) and is never served as source.
 */
const STATIC_HANDLERS = new Set(['default-handler', '']);

export function isStaticHandler(name: string): boolean {
  return STATIC_HANDLERS.has(name.toLowerCase());
}

/** The `handler` label of smoothgate_requests_total and the histogram. */
export function decisionLabel(decision: RouteDecision, handlers: HandlerTable): string {
  switch (decision.kind) {
    case 'handler': {
      const key = handlerKey(decision.handlerName);
      return handlers.has(key) ? key : 'foreign-handler';
    }
    default:
      return decision.kind;
  }
}
