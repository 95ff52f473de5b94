/**
 * One RewriteCond (mod_rewrite.c `apply_rewrite_cond`, `compare_lexicography`): file tests through
 * the request's FsView, look-ups through the routing core's sub-requests, string tests that
 * compare length first, integer tests with C atoi(), regexes that update %N when they match.
 * SPEC-NOTES §4.4.3.
 */
import { atoi } from './flags';
import type { RewriteCtx } from './context';
import { expand } from './expand';
import { execPcre } from './pcre';
import type { RewriteCondEntry } from './types';
import { subreqOk } from './variables';
import { evalExpr } from './expr';
import { mergeVary } from './vary';

/** Length first, then bytes (not strcmp!): "localhost" > "zz". */
export function compareLexicography(a: string, b: string): number {
  if (a.length !== b.length) return a.length > b.length ? 1 : -1;
  for (let i = 0; i < a.length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return x > y ? 1 : -1;
  }
  return 0;
}

/** strcasecmp in the C locale (ASCII folding). */
export function strcasecmp(a: string, b: string): number {
  const fold = (s: string): string => s.replace(/[A-Z]/g, (m) => m.toLowerCase());
  const x = fold(a);
  const y = fold(b);
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) {
    const d = x.charCodeAt(i) - y.charCodeAt(i);
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

export interface CondOutcome {
  readonly matched: boolean;
  readonly input: string;
}

export function applyCond(c: RewriteCondEntry, ctx: RewriteCtx): CondOutcome {
  const r = ctx.r;
  const input = c.kind === 'expr' ? '' : expand(c.input, ctx, null, false).text;
  let rc = false;
  switch (c.kind) {
    case 'fileExists': {
      const st = r.fs.stat(input);
      rc = st !== null && st.kind === 'file';
      break;
    }
    case 'fileSize': {
      const st = r.fs.stat(input);
      rc = st !== null && st.kind === 'file' && st.sizeBytes > 0;
      break;
    }
    case 'fileLink': {
      const st = r.fs.lstat(input);
      rc = st !== null && st.kind === 'symlink';
      break;
    }
    case 'fileDir': {
      const st = r.fs.stat(input);
      rc = st !== null && st.kind === 'directory';
      break;
    }
    case 'fileXbit': {
      const st = r.fs.stat(input);
      rc = st !== null && (st.mode & 0o111) !== 0;
      break;
    }
    case 'lookupUrl':
      if (input !== '' && subreqOk(r)) rc = r.services.subRequestUri(r, input).status < 400;
      break;
    case 'lookupFile':
      if (input !== '' && subreqOk(r)) {
        const sub = r.services.subRequestFile(r, input);
        rc = sub.status < 300 && sub.filename !== null && r.fs.stat(sub.filename) !== null;
      }
      break;
    case 'strGe':
    case 'strGt': {
      const basis = c.kind === 'strGe' ? 0 : 1;
      rc = (c.flags.noCase ? Math.sign(strcasecmp(input, c.operand)) : compareLexicography(input, c.operand)) >= basis;
      break;
    }
    case 'strLe':
    case 'strLt': {
      const basis = c.kind === 'strLe' ? 0 : -1;
      rc = (c.flags.noCase ? Math.sign(strcasecmp(input, c.operand)) : compareLexicography(input, c.operand)) <= basis;
      break;
    }
    case 'strEq':
      rc = c.flags.noCase ? strcasecmp(input, c.operand) === 0 : input === c.operand;
      break;
    case 'intGe':
      rc = atoi(input) >= atoi(c.operand);
      break;
    case 'intGt':
      rc = atoi(input) > atoi(c.operand);
      break;
    case 'intLe':
      rc = atoi(input) <= atoi(c.operand);
      break;
    case 'intLt':
      rc = atoi(input) < atoi(c.operand);
      break;
    case 'intEq':
      rc = atoi(input) === atoi(c.operand);
      break;
    case 'expr': {
      const res = evalExpr(c.expr!, ctx);
      rc = res.value;
      if (rc && !c.flags.notMatch) ctx.condGroups = res.groups;
      // ap_expr adds the headers it read to Vary itself, unless [NV] (AP_EXPR_FLAG_DONT_VARY).
      if (!c.flags.noVary && res.vary.length > 0) mergeVary(r, res.vary);
      break;
    }
    case 'regex': {
      const groups = execPcre(c.regex!, input);
      rc = groups !== null;
      if (groups && !c.flags.notMatch) ctx.condGroups = groups;
      break;
    }
  }
  return { matched: c.flags.notMatch ? !rc : rc, input };
}
