/**
 * The evaluation context of one rule list pass (mod_rewrite.c `rewrite_ctx`): the request, the
 * string the current rule matched, the per-dir prefix, back-references of the rule ($N) and of the
 * last matching regex condition (%N), and the headers to add to Vary.
 */
import type { RequestRec } from '../routing/request-rec';

export interface RewriteCtx {
  /** The request being rewritten; LA-U/LA-F lookups swap in the sub-request's view. */
  r: RequestRec;
  /** ctx->uri: what the current rule's pattern was applied to (null before the first rule). */
  uri: string | null;
  /** The per-dir prefix (dconf->directory), null in server context. */
  readonly perdir: string | null;
  /** $0…$9 of the rule (null: none, e.g. a negated pattern). */
  ruleGroups: Array<string | undefined> | null;
  /** %0…%9 of the last matching regex condition. */
  condGroups: Array<string | undefined> | null;
  /** Headers looked up by the condition being evaluated (vary_this) and by the rule (vary). */
  varyThis: string[];
  vary: string[];
}
