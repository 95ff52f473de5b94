/**
 * Differential test: `apache2 -t` (Debian 2.4.71) decides accept/reject for every snippet of
 * ./differential-snippets.ts; we must agree (documented divergences excepted).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { APACHE, judge } from './apache-oracle';
import { MORE_SNIPPETS, SNIPPETS } from './differential-snippets';

test('accept/reject agrees with apache2 -t', { skip: existsSync(APACHE) ? false : `${APACHE} not installed` }, () => {
  const disagreements: string[] = [];
  for (const snippet of [...SNIPPETS, ...MORE_SNIPPETS]) {
    const v = judge(snippet);
    if (v.apacheOk !== v.oursOk && !snippet.divergence) {
      disagreements.push(`${snippet.name}: apache ${v.apacheOk ? 'accepts' : `rejects (${v.apacheMessage})`}, we ${v.oursOk ? 'accept' : `reject (${v.ourMessage})`}`);
    }
  }
  assert.deepEqual(disagreements, []);
});
