import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintRewrite } from '../../src/rewrite';
import type { RewriteServerConf } from '../../src/rewrite';
import { loadRewriteConfig } from './helpers';

function rules(text: string) {
  return (loadRewriteConfig(text, '/srv/www').server.moduleConfig['rewrite_module'] as RewriteServerConf).rules;
}

test('lint: a condition meant for several rules', () => {
  const w = lintRewrite(rules('RewriteCond %{QUERY_STRING} ^.+$\nRewriteRule ^(.*)\\.ism/manifest$ $1.mp4 [L,NC]\nRewriteRule ^(.*)\\.ism/Fragments$ $1.mp4 [L]'), { perDir: true, hasBackend: true });
  assert.deepEqual(w.map((x) => x.code), ['cond-shared']);
  assert.equal(w[0]!.where.line, 2);
});

test('lint: case-sensitive manifest rule, ^/ in per-dir context, [P] without backend', () => {
  const w = lintRewrite(rules('RewriteRule ^(.*)\\.ism/manifest$ $1.mp4\nRewriteRule ^/abs$ /x\nRewriteRule ^api/(.*)$ http://b/$1 [P]'), { perDir: true, hasBackend: false });
  assert.deepEqual(w.map((x) => x.code), ['manifest-case', 'never-matches', 'proxy-without-backend']);
  assert.deepEqual(lintRewrite(rules('RewriteRule ^(.*)\\.ism/manifest$ $1.mp4 [NC]\nRewriteRule ^/abs$ /x'), { perDir: false, hasBackend: true }), []);
  assert.deepEqual(lintRewrite(rules('RewriteRule (?i)^(.*)\\.ism/manifest$ $1.mp4'), { perDir: false, hasBackend: true }), []);
  assert.deepEqual(lintRewrite(rules('RewriteRule ^index\\.php$ - [L]'), { perDir: false, hasBackend: true }).map((x) => x.code), ['never-matches']);
  assert.deepEqual(lintRewrite(rules('RewriteRule ^index\\.php$ - [L]'), { perDir: true, hasBackend: true }), []);
});
