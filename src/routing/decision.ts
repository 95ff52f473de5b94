/**
 * The one typed outcome of the routing core (INTERFACE.md §4). `serve`, `explain` and `conformance`
 * all consume it; widen this union rather than re-deriving a decision elsewhere.
 */

/** Response headers decided by configuration (mod_headers, mod_expires, [CO], …), in order. */
export type HeaderList = ReadonlyArray<readonly [name: string, value: string]>;

interface DecisionBase {
  /** Final r->uri (decoded path, no query). */
  readonly uri: string;
  /** Final r->args (null when unset). */
  readonly query: string | null;
  /** Final r->filename (null when unset). */
  readonly filename: string | null;
  /** Final r->handler as Apache would log it. */
  readonly handler: string | null;
  /** Headers to add to the response (already filtered for onsuccess/always). */
  readonly headers: HeaderList;
  /** The final request's environment (subprocess_env), REDIRECT_ prefixes included. */
  readonly env: ReadonlyMap<string, string>;
  /** Request headers after RequestHeader edits (what a backend or handler sees). */
  readonly requestHeaders: HeaderList;
  /** Name of the virtual host chosen (ServerName or null for the main server). */
  readonly serverName: string | null;
  /** The URL the client asked for (raw target), kept for manifests' relative Url templates. */
  readonly originalTarget: string;
  /**
   * Set when this decision serves a local ErrorDocument (http_request.c ap_die_r →
   * ap_internal_redirect): the error's status, sent instead of 200. The page's request is a GET of
   * `uri`, whatever the client's method and URL were.
   */
  readonly errorStatus?: number;
}

export interface FileDecision extends DecisionBase {
  readonly kind: 'file';
  readonly status: 200;
  /** Absolute path of the file to serve. */
  readonly path: string;
  readonly pathInfo: string;
  /** Content type chosen by mod_mime / ForceType / [T=], null when none. */
  readonly contentType: string | null;
  /** Content encoding from AddEncoding, null when none. */
  readonly contentEncoding: string | null;
}

export interface HandlerDecision extends DecisionBase {
  readonly kind: 'handler';
  readonly status: 200;
  /** Handler name exactly as configured (e.g. 'h264-streaming.extensions'). */
  readonly handlerName: string;
  /** Absolute path of the mapped file (may not exist for installed handlers that accept that). */
  readonly path: string;
  readonly pathInfo: string;
  readonly contentType: string | null;
  readonly contentEncoding: string | null;
}

export interface RedirectDecision extends DecisionBase {
  readonly kind: 'redirect';
  readonly status: number;
  readonly location: string;
}

export interface StatusDecision extends DecisionBase {
  readonly kind: 'status';
  readonly status: number;
  /** Why (an SG_ERR_* code or Apache's AH number and text), for the log. */
  readonly reason: string;
  /** Extra headers the status needs (Allow for 405 …). */
  readonly statusHeaders: HeaderList;
  /** `ErrorDocument CODE "message"`: the body sent instead of Apache's page (ap_send_error_response). */
  readonly customBody?: string;
  /**
   * The ErrorDocument's own request failed too (ap_die_r's recursive error): Apache's page for
   * `status` plus "Additionally, a <this status's line> error was encountered …".
   */
  readonly additionalError?: number;
  /** %>s when it differs from the status sent: the failed ErrorDocument request's own status. */
  readonly loggedStatus?: number;
}

export interface AuthDecision extends DecisionBase {
  readonly kind: 'auth';
  readonly status: 401;
  readonly challenge: string;
  readonly reason: string;
  /** `ErrorDocument 401 "message"`: the body sent instead of Apache's page. */
  readonly customBody?: string;
}

export interface ProxyDecision extends DecisionBase {
  readonly kind: 'proxy';
  readonly status: 200;
  /** Absolute URL to forward to. */
  readonly target: string;
  /** True when the URL must be sent as is ([NE], ProxyPass nocanon). */
  readonly noCanon: boolean;
  /**
   * ProxyErrorOverride On: the backend statuses answered by the gateway instead (its ErrorDocument
   * or Apache's page) — `[]` for every 4xx/5xx; absent when Off.
   */
  readonly errorOverride?: readonly number[];
}

export type RouteDecision =
  | FileDecision
  | HandlerDecision
  | RedirectDecision
  | StatusDecision
  | AuthDecision
  | ProxyDecision;
