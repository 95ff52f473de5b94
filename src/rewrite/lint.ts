/**
 * Warnings for classic mod_rewrite mistakes, for `smoothgate check` (INTERFACE.md §2):
 * a RewriteCond that was probably meant for several rules, a case-sensitive `manifest` rule that
 * misses `Manifest`, a rule that can never match (a leading '/' in per-directory context), and
 * [P] rules when no backend (nor mod_proxy) is available.
 */
import type { SourceLocation } from '../errors';
import type { RewriteRuleEntry } from './types';

export interface LintWarning {
  readonly where: SourceLocation;
  readonly code: 'cond-shared' | 'manifest-case' | 'never-matches' | 'proxy-without-backend';
  readonly message: string;
}

export interface LintContext {
  /** true for <Directory>/.htaccess rules (the input has no leading slash). */
  readonly perDir: boolean;
  /** Whether a backend or mod_proxy is available for [P]. */
  readonly hasBackend: boolean;
}

/**
 * A conditioned rule followed by an unconditioned one whose pattern starts the same way (at least
 * six characters in common after '^'): the classic "RewriteCond meant for the whole block"
 * mistake of the Smooth Streaming seed configuration.
 */
function looksLikeSharedCondition(rules: readonly RewriteRuleEntry[], i: number): boolean {
  const rule = rules[i]!;
  const next = rules[i + 1];
  if (rule.conds.length === 0 || !next || next.conds.length > 0 || rule.flags.chain) return false;
  const a = rule.pattern.replace(/^\^/, '');
  const b = next.pattern.replace(/^\^/, '');
  let common = 0;
  while (common < a.length && common < b.length && a[common] === b[common]) common++;
  return common >= 6;
}

export function lintRewrite(rules: readonly RewriteRuleEntry[], ctx: LintContext): LintWarning[] {
  const out: LintWarning[] = [];
  rules.forEach((rule, i) => {
    if (looksLikeSharedCondition(rules, i)) {
      out.push({
        where: rule.where,
        code: 'cond-shared',
        message: `RewriteCond applies only to the RewriteRule right after it ('${rule.pattern}'), not to '${rules[i + 1]!.pattern}' that follows; repeat the conditions or use [S]/[C]`,
      });
    }
    if (/manifest/.test(rule.pattern) && !rule.flags.noCase && !/^\(\?[a-z]*i/.test(rule.pattern) && !/\[mM\]anifest|Manifest/.test(rule.pattern)) {
      out.push({
        where: rule.where,
        code: 'manifest-case',
        message: `RewriteRule '${rule.pattern}' is case-sensitive: players request '…/Manifest', which it does not match; add [NC]`,
      });
    }
    if (ctx.perDir && /^\^\//.test(rule.pattern) && !rule.flags.notMatch) {
      out.push({
        where: rule.where,
        code: 'never-matches',
        message: `RewriteRule '${rule.pattern}' can never match in per-directory context: the path it sees has no leading '/'`,
      });
    } else if (!ctx.perDir && /^\^[A-Za-z0-9_~-]/.test(rule.pattern) && !rule.flags.notMatch) {
      out.push({
        where: rule.where,
        code: 'never-matches',
        message: `RewriteRule '${rule.pattern}' can never match in server context: the URL-path it sees always starts with '/'`,
      });
    }
    if (rule.flags.proxy && !ctx.hasBackend) {
      out.push({ where: rule.where, code: 'proxy-without-backend', message: `RewriteRule '${rule.pattern}' uses [P] but no backend or mod_proxy is configured (requests get 403)` });
    }
  });
  return out;
}
