import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rewriteTranslateName } from '../../src/rewrite';
import { compareLexicography } from '../../src/rewrite/conditions';
import { loadRewriteConfig, makeRequest, makeTree } from './helpers';

/** Does `cond` (a RewriteCond line) let the rule ^/x$ apply for this request? */
function holds(cond: string, target = '/x', docroot = '/srv/www', headers?: Record<string, string>): boolean {
  const ts = loadRewriteConfig(`RewriteEngine On\n${cond}\nRewriteRule ^/x$ - [E=HIT:1]`, docroot);
  const r = makeRequest({ target, server: ts.server, headers });
  rewriteTranslateName(r);
  return r.env.get('HIT') === '1';
}

test('file tests: -f -d -s -l -L -h -x (no -e)', (t) => {
  const tree = makeTree({
    'htdocs/f.txt': 'data',
    'htdocs/empty.txt': '',
    'htdocs/d/': {},
    'htdocs/link': { symlink: 'f.txt' },
    'htdocs/run.sh': { content: '#!/bin/sh\n', mode: '0755' },
  });
  t.after(() => tree.cleanup());
  const D = tree.docroot;
  assert.equal(holds(`RewriteCond ${D}/f.txt -f`), true);
  assert.equal(holds(`RewriteCond ${D}/d -f`), false);
  assert.equal(holds(`RewriteCond ${D}/d -d`), true);
  assert.equal(holds(`RewriteCond ${D}/f.txt !-d`), true);
  assert.equal(holds(`RewriteCond ${D}/f.txt -s`), true);
  assert.equal(holds(`RewriteCond ${D}/empty.txt -s`), false);
  for (const op of ['-l', '-L', '-h']) {
    assert.equal(holds(`RewriteCond ${D}/link ${op}`), true, op);
    assert.equal(holds(`RewriteCond ${D}/f.txt ${op}`), false, op);
  }
  assert.equal(holds(`RewriteCond ${D}/run.sh -x`), true);
  assert.equal(holds(`RewriteCond ${D}/f.txt -x`), false);
  assert.equal(holds(`RewriteCond ${D}/f.txt -e`), false); // the regex "-e"
  assert.equal(holds('RewriteCond %{QUERY_STRING} -e', '/x?a-e'), true);
});

test('string tests compare length first; [NC] is strcasecmp; ="" is empty', () => {
  assert.equal(compareLexicography('localhost', 'zz'), 1);
  assert.equal(holds('RewriteCond %{HTTP_HOST} >zz'), true);
  assert.equal(holds('RewriteCond %{QUERY_STRING} <m', '/x?abc'), false);
  assert.equal(holds('RewriteCond %{QUERY_STRING} >9', '/x?10'), true);
  assert.equal(holds('RewriteCond %{QUERY_STRING} <=zz', '/x?ab'), true);
  assert.equal(holds('RewriteCond %{QUERY_STRING} >=ABC [NC]', '/x?abd'), true);
  assert.equal(holds('RewriteCond %{QUERY_STRING} =ABC [NC]', '/x?abc'), true);
  assert.equal(holds('RewriteCond %{QUERY_STRING} =ABC', '/x?abc'), false);
  assert.equal(holds('RewriteCond %{QUERY_STRING} =""', '/x'), true);
});

test('integer tests use atoi; !-ne is -eq', () => {
  assert.equal(holds('RewriteCond %{QUERY_STRING} -lt10', '/x?9'), true);
  assert.equal(holds('RewriteCond %{QUERY_STRING} "-lt 10"', '/x?9'), true);
  assert.equal(holds('RewriteCond %{QUERY_STRING} -ge10', '/x?9'), false);
  assert.equal(holds('RewriteCond %{QUERY_STRING} -eq0', '/x?abc'), true);
  assert.equal(holds('RewriteCond %{QUERY_STRING} -ne7', '/x?7'), false);
  assert.equal(holds('RewriteCond %{QUERY_STRING} !-ne7', '/x?7'), true);
  assert.equal(holds('RewriteCond %{QUERY_STRING} -gt-3', '/x?-2'), true);
});

test('[OR] chains and AND', () => {
  const two = (a: string, b: string, target: string) => holds(`${a}\n${b}`, target);
  assert.equal(two('RewriteCond %{QUERY_STRING} ^a [OR]', 'RewriteCond %{QUERY_STRING} ^b', '/x?b'), true);
  assert.equal(two('RewriteCond %{QUERY_STRING} ^a [OR]', 'RewriteCond %{QUERY_STRING} ^b', '/x?c'), false);
  assert.equal(holds('RewriteCond %{QUERY_STRING} ^zz [OR]', '/x'), true); // trailing [OR] false
  assert.equal(
    holds('RewriteCond %{QUERY_STRING} ^a [OR]\nRewriteCond %{QUERY_STRING} ^b\nRewriteCond %{REQUEST_METHOD} =POST', '/x?a'),
    false,
  );
});

test('regex conditions: [NC], negation, HTTP headers and Vary', () => {
  const ts = loadRewriteConfig('RewriteEngine On\nRewriteCond %{HTTP:X-Mode} ^debug$ [NC]\nRewriteCond %{HTTP_USER_AGENT} !^bot\nRewriteRule ^/x$ - [E=HIT:1]', '/srv/www');
  const r = makeRequest({ target: '/x', server: ts.server, headers: { Host: 'h', 'X-Mode': 'DEBUG', 'User-Agent': 'curl' } });
  rewriteTranslateName(r);
  assert.equal(r.env.get('HIT'), '1');
  assert.equal(r.headersOut.get('Vary'), 'X-Mode,User-Agent');
});
