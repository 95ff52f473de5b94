/**
 * What a streaming handler answers, free of sockets (STYLE.md §1): status, headers, a BodyPlan, the
 * validators the edge uses for conditional and Range requests, and for errors the catalogue code and
 * the reason to log (INTERFACE §6: every error response is logged with its reason).
 */
import type { BodyPlan } from './body-plan';
import type { ErrorCode } from '../errors';

export interface StreamResponse {
  readonly status: number;
  readonly headers: ReadonlyArray<readonly [string, string]>;
  /** The body when status is 200; null for errors (the edge writes a short error page). */
  readonly plan: BodyPlan | null;
  /** Strong entity tag, quotes included. */
  readonly etag?: string;
  readonly lastModified?: Date;
  readonly errorCode?: ErrorCode;
  readonly reason?: string;
}
