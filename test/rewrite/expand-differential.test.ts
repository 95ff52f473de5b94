/** Parsed templates (src/rewrite/expand.ts) expand exactly as the original do_expand scan did. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { expand } from '../../src/rewrite/expand';
import type { RuleFlags } from '../../src/rewrite/flags';
import { referenceExpand } from './expand-reference';
import { loadRewriteConfig, makeRequest } from './helpers';

test('parsed templates expand like the do_expand scan (text and question-mark origin)', () => {
  const ts = loadRewriteConfig('RewriteEngine On\nRewriteMap up int:toupper', '/srv/www');
  const r = makeRequest({ target: '/x?a?b', server: ts.server });
  const ctx = () => ({ r, uri: '/x', perdir: null, ruleGroups: ['/x?', 'x', '', '?y'], condGroups: ['c?', 'c'], varyThis: [], vary: [] });
  const pieces = fc.constantFrom('\\', '$', '%', '{', '}', ':', '|', '?', '0', '1', '2', '3', 'a', 'QUERY_STRING', 'REQUEST_URI', 'up', '%{', '${', '-', '/');
  fc.assert(
    fc.property(fc.array(pieces, { maxLength: 16 }), fc.boolean(), fc.boolean(), fc.boolean(), (parts, track, withRule, qsLast) => {
      const tpl = parts.join('');
      const flags = withRule ? ({ qsLast, escapeBackrefs: false } as unknown as RuleFlags) : null;
      const a = ctx();
      const b = ctx();
      assert.deepEqual(expand(tpl, a, flags, track), referenceExpand(tpl, b, flags, track), tpl);
      assert.deepEqual(a.varyThis, b.varyThis);
      // Twice: the second expansion uses the remembered parse.
      assert.deepEqual(expand(tpl, ctx(), flags, track), referenceExpand(tpl, ctx(), flags, track), tpl);
    }),
    { numRuns: 5000 },
  );
});
