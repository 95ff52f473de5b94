/** [E=…] items whose name is literal are split once (engine.ts envItemOf): same env as splitting the expansion. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { rewriteTranslateName } from '../../src/rewrite';
import { referenceExpand } from './expand-reference';
import { loadRewriteConfig, makeRequest } from './helpers';

test('[E=] sets or unsets what splitting the expanded text at its first ":" gives', () => {
  const pieces = fc.constantFrom('!', ':', 'a', 'B', '%{QUERY_STRING}', '$1', '\\:', '\\!', '%{HTTP:X}', '-', '%1');
  fc.assert(
    fc.property(fc.array(pieces, { minLength: 1, maxLength: 8 }), (parts) => {
      const item = parts.join('');
      let ts;
      try {
        ts = loadRewriteConfig(`RewriteEngine On\nRewriteRule ^/(x)$ - [E=${item}]`, '/srv/www');
      } catch {
        return;
      }
      const r = makeRequest({ target: '/x?a:b', server: ts.server, headers: { Host: 'h', X: '!v:w' } });
      rewriteTranslateName(r);
      // The same rule without [E=] gives the environment the item then changes (SCRIPT_URL …).
      const plain = loadRewriteConfig('RewriteEngine On\nRewriteRule ^/(x)$ -', '/srv/www');
      const ref = makeRequest({ target: '/x?a:b', server: plain.server, headers: { Host: 'h', X: '!v:w' } });
      rewriteTranslateName(ref);
      const before = new Map(ref.env);
      const text = referenceExpand(item, { r: ref, uri: '/x', perdir: null, ruleGroups: ['/x', 'x'], condGroups: null, varyThis: [], vary: [] }, null, false).text;
      const expected = new Map(before);
      if (text.startsWith('!')) expected.delete(text.slice(1));
      else if (text.indexOf(':') < 0) expected.set(text, '');
      else expected.set(text.slice(0, text.indexOf(':')), text.slice(text.indexOf(':') + 1));
      assert.deepEqual(r.env, expected, item);
    }),
    { numRuns: 3000 },
  );
});
