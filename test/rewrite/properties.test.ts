/** Property tests (fast-check) for the parsers of src/rewrite: any text → a value or a clean refusal. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { SgError } from '../../src/errors';
import { parseArgLine } from '../../src/rewrite/argline';
import { splitFlagField } from '../../src/rewrite/flags';
import { execPcre, translatePcre } from '../../src/rewrite/pcre';
import { parseExpr } from '../../src/rewrite/expr';
import { expand } from '../../src/rewrite/expand';
import { loadRewriteConfig, makeRequest } from './helpers';

const regexish = fc.stringMatching(/^[\\^$.|?*+()[\]{}a-z0-9:<>=!#PQEdswhvbBAZzi-]{0,24}$/);

test('parseArgLine and splitFlagField never throw', () => {
  fc.assert(
    fc.property(fc.string(), (s) => {
      const a = parseArgLine(s);
      if (a !== null) assert.equal(typeof a.a1, 'string');
      const f = splitFlagField(s);
      assert.ok('error' in f || Array.isArray(f.entries));
    }),
    { numRuns: 2000 },
  );
});

test('translatePcre either refuses or yields a RegExp that runs', () => {
  fc.assert(
    fc.property(regexish, fc.boolean(), fc.string({ maxLength: 12 }), (p, nc, subject) => {
      const t = translatePcre(p, nc);
      if (!t.ok) {
        assert.equal(typeof t.reason, 'string');
        return;
      }
      const groups = execPcre(t.value, subject);
      if (groups) assert.equal(groups[0] !== undefined, true);
    }),
    { numRuns: 3000 },
  );
});

test('parseExpr never throws', () => {
  fc.assert(fc.property(fc.string({ maxLength: 40 }), (s) => void parseExpr(s)), { numRuns: 2000 });
});

test('a RewriteRule line either loads or is an SgError with file:line', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 40 }), (s) => {
      try {
        loadRewriteConfig(`RewriteRule ${s.replace(/\n/g, ' ')}`, '/srv/www');
      } catch (e) {
        assert.ok(e instanceof SgError, String(e));
        assert.equal(e.where?.line, 1);
      }
    }),
    { numRuns: 2000 },
  );
});

test('expansion of any template terminates and never throws', () => {
  const ts = loadRewriteConfig('RewriteEngine On', '/srv/www');
  const r = makeRequest({ target: '/x?q', server: ts.server });
  fc.assert(
    fc.property(fc.stringMatching(/^[\\$%{}:|a-zA-Z0-9?_ -]{0,30}$/), (tpl) => {
      const e = expand(tpl, { r, uri: '/x', perdir: null, ruleGroups: ['/x', 'x'], condGroups: null, varyThis: [], vary: [] }, null, true);
      assert.equal(typeof e.text, 'string');
    }),
    { numRuns: 2000 },
  );
});
