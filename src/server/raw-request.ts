/**
 * What the listener hands the routing core (STYLE.md §1): the request as received, plus the
 * connection facts after mod_remoteip's treatment of `trustedProxies` (INTERFACE.md §3), so the core
 * never sees a socket.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FileDecision, HandlerDecision, RouteDecision } from '../routing/decision';

export interface RawRequest {
  /** Method exactly as sent (case kept: Apache's methods are case-sensitive, SPEC-NOTES §4.7.1). */
  readonly method: string;
  /** The request-target as sent, undecoded (origin-form, absolute-form or `*`). */
  readonly rawTarget: string;
  /** `1.1`, `1.0` (Node's parser does not hand us HTTP/0.9). */
  readonly httpVersion: string;
  /** Header fields in order, names as sent, duplicates kept. */
  readonly headers: Array<[string, string]>;
  /** The client after mod_remoteip (the peer unless it is a trusted proxy). */
  readonly clientIp: string;
  readonly clientPort: number;
  readonly localIp: string;
  readonly localPort: number;
  /** TLS listener, or `X-Forwarded-Proto: https` from a trusted proxy (%{HTTPS}). */
  readonly isHttps: boolean;
}

/**
 * The routing core as the server sees it: one request → one decision (INTERFACE.md §4), and, when
 * the core offers it, the decision for a status a handler ended in afterwards (the proxy's 502/504,
 * a refused script's 403) — what ErrorDocument makes of it (Router.routeHandlerError).
 */
export type Decide = ((req: RawRequest) => RouteDecision) & {
  readonly handlerError?: (req: RawRequest, status: number, reason: string, options?: { firstError?: boolean }) => RouteDecision;
};

/**
 * A handler that ends in an error status before writing anything hands it back (Apache's handlers
 * return the status to ap_die): ErrorDocument may then answer; otherwise `send` writes the
 * handler's own page.
 */
export interface HandlerRefusal {
  readonly status: number;
  readonly reason: string;
  send(): Promise<void>;
}

/** An in-process handler (`h264-streaming`, `smooth-streaming`), keyed without `.extensions`. */
export type HandlerFn = (decision: HandlerDecision, req: IncomingMessage, res: ServerResponse) => Promise<void | HandlerRefusal>;
export type HandlerTable = Map<string, HandlerFn>;

/** Sends a mapped file (Range, conditional, HEAD); the MP4 engineer's sender plugs in here. */
export type StaticSender = (decision: FileDecision, req: IncomingMessage, res: ServerResponse) => Promise<void>;

/** The original module's handler names carry `.extensions` (INTERFACE.md §1); both spellings map. */
export function handlerKey(name: string): string {
  return name.endsWith('.extensions') ? name.slice(0, -'.extensions'.length) : name;
}
