import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rewriteTranslateName } from '../../src/rewrite';
import { escapeBackref, escapeUri, splitOutQueryArgs } from '../../src/rewrite/uri';
import { parseTxtMap } from '../../src/rewrite/maps';
import { fakeServices, loadRewriteConfig, makeRequest, makeTree } from './helpers';

function envOf(conf: string, target: string, name = 'OBS', headers?: Record<string, string>, docroot = '/srv/www'): string | undefined {
  const ts = loadRewriteConfig(`RewriteEngine On\n${conf}`, docroot);
  const r = makeRequest({ target, server: ts.server, headers, services: fakeServices({ env: { PROC: 'p' } }) });
  rewriteTranslateName(r);
  return r.env.get(name);
}

test('$N, %N, \\ escapes, unknown and short variables', () => {
  assert.equal(envOf('RewriteCond %{QUERY_STRING} (a)=(\\d)\nRewriteCond %{REQUEST_URI} !zzz(q)\nRewriteRule ^/(x)$ - [E=OBS:%1-%2-$1-%0]', '/x?a=5'), 'a-5-x-a=5');
  assert.equal(envOf('RewriteRule ^/x$ - [E=OBS:\\$1\\%{X}\\\\]', '/x'), '$1%{X}\\');
  assert.equal(envOf('RewriteRule ^/x$ - [E=OBS:[%{NOSUCH}][%{AB}][${abc}][$9]]', '/x'), '[][][${abc}][]');
  assert.equal(envOf('RewriteRule ^/x$ - [E=OBS:%{ENV:PROC}|%{request_method}|%{THE_REQUEST}]', '/x?q'), 'p|GET|GET /x?q HTTP/1.1');
});

test('variables: REQUEST_URI decoded, QUERY_STRING raw, HTTP:, TIME from the injected clock', () => {
  assert.equal(envOf('RewriteRule ^ - [E=OBS:%{REQUEST_URI}|%{QUERY_STRING}]', '/a%20b?x=%20'), '/a b|x=%20');
  assert.equal(envOf('RewriteRule ^ - [E=OBS:%{HTTP:X-Custom}]', '/x', 'OBS', { Host: 'h', 'X-Custom': 'v 1' }), 'v 1');
  const year = String(new Date(Date.UTC(2026, 10, 25, 10, 0, 0)).getFullYear());
  assert.equal(envOf('RewriteRule ^ - [E=OBS:%{TIME_YEAR}]', '/x'), year);
  assert.equal(envOf('RewriteRule ^ - [E=OBS:%{SERVER_PORT}|%{SERVER_NAME}|%{HTTPS}]', '/x', 'OBS', { Host: 'www.example.com:8080' }), '8080|www.example.com|off');
});

test('maps: txt (second word, first line with a value), int:, defaults, nested keys', (t) => {
  const tree = makeTree({ 'maps/m.txt': '# c\nk1\nk1 v1 extra\n k2 indented\ngamma   /a.html  # t\n' });
  t.after(() => tree.cleanup());
  const maps = `RewriteMap m "txt:${tree.root}/maps/m.txt"\nRewriteMap up int:toupper\nRewriteMap un int:unescape\nRewriteMap esc int:escape\n`;
  assert.equal(envOf(`${maps}RewriteRule ^/m/(.*)$ - [E=OBS:\${m:$1|none}]`, '/m/k1'), 'v1');
  assert.equal(envOf(`${maps}RewriteRule ^/m/(.*)$ - [E=OBS:\${m:$1|none}]`, '/m/k2'), 'none');
  assert.equal(envOf(`${maps}RewriteRule ^/m/(.*)$ - [E=OBS:\${m:$1}]`, '/m/gamma'), '/a.html');
  assert.equal(envOf(`${maps}RewriteRule ^/m/(.*)$ - [E=OBS:\${up:$1}|\${un:%{QUERY_STRING}}]`, '/m/aBc?x%41'), 'ABC|xA');
  assert.equal(envOf(`${maps}RewriteRule ^/m/(.*)$ - [E=OBS:\${esc:$1}]`, '/m/a%20b%3f'), 'a%20b%3f');
  assert.equal(envOf(`${maps}RewriteRule ^/m/(.*)$ - [E=OBS:\${m:%{QUERY_STRING}|d-$1}]`, '/m/x?zz'), 'd-x');
  assert.equal(envOf(`${maps}RewriteRule ^/m/(.*)$ - [E=OBS:\${nosuch:$1|dflt}]`, '/m/x'), 'dflt');
  assert.deepEqual([...parseTxtMap('a 1\na 2\nb\n#c 3\n')], [['a', '1']]);
});

test('[B] escaping: default set, B=chars, BNE, BNP, BCTLS', () => {
  const e = (s: string, o: Partial<Parameters<typeof escapeBackref>[1]> = {}) =>
    escapeBackref(s, { escapeChars: null, noEscapeChars: null, noPlus: false, ctls: false, ...o });
  assert.equal(e('a b&c/d?'), 'a+b%26c%2fd%3f');
  assert.equal(e('a b&c/d', { escapeChars: ' &' }), 'a+b%26c/d');
  assert.equal(e('a b&c', { noEscapeChars: '&' }), 'a+b&c');
  assert.equal(e('a b', { noPlus: true }), 'a%20b');
  assert.equal(e('a b&c\td', { ctls: true }), 'a+b&c%09d');
});

test('ap_escape_uri and splitout_queryargs', () => {
  assert.equal(escapeUri('/a b#c?d%e;f=g&h~'), '/a%20b%23c%3fd%25e;f=g&h~');
  const q = (f: string, a: string | null, o: Partial<Parameters<typeof splitOutQueryArgs>[2]> = {}) =>
    splitOutQueryArgs(f, a, { qsAppend: false, qsDiscard: false, qsLast: false, qsNone: false, ...o });
  assert.deepEqual(q('/t?x?y=1', 'o=1'), { filename: '/t', args: 'x?y=1' });
  assert.deepEqual(q('/t?x?y=1', 'o=1', { qsLast: true }), { filename: '/t?x', args: 'y=1' });
  assert.deepEqual(q('/t?n=1', 'o=1', { qsAppend: true }), { filename: '/t', args: 'n=1&o=1' });
  assert.deepEqual(q('/t?n=1', null, { qsAppend: true }), { filename: '/t', args: 'n=1' });
  assert.deepEqual(q('/t', 'o=1', { qsDiscard: true }), { filename: '/t', args: null });
  assert.deepEqual(q('/t?', 'o=1'), { filename: '/t', args: null });
  assert.deepEqual(q('ftp://h/p?x', 'o=1'), { filename: 'ftp://h/p?x', args: null });
});

test('hardening: a ? from an expansion is 403 unless a literal ? came first; [QSL] tracks the last', () => {
  const status = (conf: string, target: string) => {
    const ts = loadRewriteConfig(`RewriteEngine On\n${conf}`, '/srv/www');
    const res = rewriteTranslateName(makeRequest({ target, server: ts.server }));
    return res.kind === 'status' ? res.status : res.kind;
  };
  assert.equal(status('RewriteRule ^/u/(.*)$ /$1', '/u/a%3fb'), 403);
  assert.equal(status('RewriteRule ^/u/(.*)$ /t?y=1&z=$1', '/u/a%3fb'), 'ok');
  assert.equal(status('RewriteRule ^/u/(.*)$ /$1 [UnsafeAllow3F]', '/u/a%3fb'), 'ok');
  assert.equal(status('RewriteRule ^/u/(.*)$ /t?a=1&$1 [QSL]', '/u/x%3fy'), 403);
  assert.equal(status('RewriteRule ^/u/(.*)$ /s?q=$1 [B]', '/u/a%3fb'), 'ok');
  assert.equal(status('RewriteRule ^/u/(.*)$ /s?q=$1 [BNP]', '/u/a%20b'), 403);
});
