import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rewriteTranslateName } from '../../src/rewrite';
import { parseExpr } from '../../src/rewrite/expr';
import { loadRewriteConfig, makeRequest } from './helpers';

function hit(expr: string, target: string, headers?: Record<string, string>): string | undefined {
  const ts = loadRewriteConfig(`RewriteEngine On\nRewriteCond expr "${expr}"\nRewriteRule ^ - [E=HIT:yes%1]`, '/srv/www');
  const r = makeRequest({ target, server: ts.server, headers });
  rewriteTranslateName(r);
  return r.env.get('HIT');
}

test('expr: booleans, comparisons, regex back-references, lists, functions', () => {
  assert.equal(hit("%{QUERY_STRING} =~ /id=([0-9]+)/", '/x?id=42'), 'yes42');
  assert.equal(hit("%{QUERY_STRING} !~ /id=/", '/x?id=42'), undefined);
  assert.equal(hit("(%{REQUEST_METHOD} == 'POST' || %{QUERY_STRING} == 'a') && !(%{HTTPS} == 'on')", '/x?a'), 'yes');
  assert.equal(hit("'%{REQUEST_METHOD}-x' in {'POST-x', 'GET-x'}", '/x'), 'yes');
  assert.equal(hit("tolower(req('X-Mode')) == 'on'", '/x', { Host: 'h', 'X-Mode': 'ON' }), 'yes');
  assert.equal(hit("%{QUERY_STRING} -lt 10 && -n %{QUERY_STRING}", '/x?9'), 'yes');
  assert.equal(hit("-z %{QUERY_STRING}", '/x'), 'yes');
  assert.equal(hit("%{REQUEST_URI} . 'z' == '/xz'", '/x'), 'yes');
  assert.equal(hit('true', '/x'), 'yes');
});

test('expr: unsupported parts are refused at load, not guessed', () => {
  for (const e of ['-f %{REQUEST_FILENAME}', "%{REMOTE_ADDR} -ipmatch '127.0.0.0/8'", "md5('x') == 'y'", '%{NOSUCHVAR} == 1', '%{QUERY_STRING} ==']) {
    assert.equal(parseExpr(e).ok, false, e);
  }
});
