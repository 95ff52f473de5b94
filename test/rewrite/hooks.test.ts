import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rewriteFixup, rewriteModule, rewriteTranslateName, rewriteTypeChecker } from '../../src/rewrite';
import type { RewriteDirConf } from '../../src/rewrite';
import { applyLine, fakeServices, loadRewriteConfig, makeRequest, makeTree } from './helpers';

function perDir(dir: string, lines: string[], ts = loadRewriteConfig('', '/x')): RewriteDirConf {
  const conf = rewriteModule.createDirConfig!(dir);
  lines.forEach((l, i) => applyLine(l, i + 1, ts.server, conf, dir));
  return conf;
}

test('server context: local result, DocumentRoot prefix, r.uri unchanged, query split', (t) => {
  const tree = makeTree({ 'htdocs/t.html': 't' });
  t.after(() => tree.cleanup());
  const ts = loadRewriteConfig('RewriteEngine On\nRewriteRule ^/a/(.*)$ /t.html?v=$1', tree.docroot);
  const r = makeRequest({ target: '/a/x?old=1', server: ts.server });
  assert.deepEqual(rewriteTranslateName(r), { kind: 'ok' });
  assert.equal(r.filename, `${tree.docroot}/t.html`);
  assert.equal(r.uri, '/a/x');
  assert.equal(r.args, 'v=x');
  assert.equal(r.env.get('SCRIPT_URL'), '/a/x');
  assert.equal(r.env.get('SCRIPT_URI'), 'http://www.example.com/a/x');
});

test('server context: a literal file-system path is used as is (prefix_stat)', (t) => {
  const tree = makeTree({ 'htdocs/t.html': 't', 'other/o.txt': 'o' });
  t.after(() => tree.cleanup());
  const ts = loadRewriteConfig(`RewriteEngine On\nRewriteRule ^/lit$ ${tree.root}/other/o.txt\nRewriteRule ^/p/(.*)$ /$1`, tree.docroot);
  const r = makeRequest({ target: '/lit', server: ts.server });
  rewriteTranslateName(r);
  assert.equal(r.filename, `${tree.root}/other/o.txt`);
  // A path that only comes from $1 is DocumentRoot-relative unless it lies under DocumentRoot.
  const r2 = makeRequest({ target: `/p${tree.root}/other/o.txt`, server: ts.server });
  rewriteTranslateName(r2);
  assert.equal(r2.filename, `${tree.docroot}${tree.root}/other/o.txt`);
  const r3 = makeRequest({ target: `/p${tree.docroot}/t.html`, server: ts.server });
  rewriteTranslateName(r3);
  assert.equal(r3.filename, `${tree.docroot}/t.html`);
});

test('server context: [R], absolute URL, [F], [PT], [P] without mod_proxy, AH10508 and AH10410', () => {
  const ts = loadRewriteConfig(
    [
      'RewriteEngine On',
      'RewriteRule ^/r$ /t.html [R=301]',
      'RewriteRule ^/abs$ http://other.example/x',
      'RewriteRule ^/f$ - [F]',
      'RewriteRule ^/pt$ /al/x [PT]',
      'RewriteRule ^/p/(.*)$ http://backend/$1 [P]',
      'RewriteRule ^/u/(.*)$ /$1',
      'RewriteRule ^/q/(.*)$ /t.html?x=$1',
    ].join('\n'),
    '/srv/www',
  );
  const host = { Host: 'www.example.com:8080' };
  assert.deepEqual(rewriteTranslateName(makeRequest({ target: '/r?a=1', server: ts.server, headers: host })), {
    kind: 'redirect',
    status: 301,
    location: 'http://www.example.com:8080/t.html?a=1',
  });
  assert.deepEqual(rewriteTranslateName(makeRequest({ target: '/abs', server: ts.server })), { kind: 'redirect', status: 302, location: 'http://other.example/x' });
  assert.equal((rewriteTranslateName(makeRequest({ target: '/f', server: ts.server })) as { status: number }).status, 403);
  const pt = makeRequest({ target: '/pt', server: ts.server });
  assert.deepEqual(rewriteTranslateName(pt), { kind: 'declined' });
  assert.equal(pt.uri, '/al/x');
  const p = makeRequest({ target: '/p/a?b=1', server: ts.server });
  assert.deepEqual(rewriteTranslateName(p), { kind: 'proxy', url: 'http://backend/a', noCanon: false });
  assert.equal(p.handler, 'proxy-server');
  assert.equal(p.args, 'b=1');
  const noProxy = makeRequest({ target: '/p/a', server: ts.server, loadedModules: ['rewrite_module'] });
  const np = rewriteTranslateName(noProxy);
  assert.deepEqual([(np as { status: number }).status, (np as { code?: string }).code], [403, 'SG_ERR_REWRITE_NO_PROXY']);
  const forced = rewriteTranslateName(makeRequest({ target: '/f', server: ts.server }));
  assert.equal((forced as { code?: string }).code, undefined);
  const q3f = rewriteTranslateName(makeRequest({ target: '/u/t.html%3fx=1', server: ts.server }));
  assert.deepEqual([q3f.kind, (q3f as { status: number }).status, (q3f as { code?: string }).code], ['status', 403, 'SG_ERR_REWRITE_UNSAFE_3F']);
  const sp = rewriteTranslateName(makeRequest({ target: '/q/a%20b', server: ts.server }));
  assert.deepEqual([(sp as { status: number }).status, (sp as { code?: string }).code], [403, 'SG_ERR_REWRITE_UNSAFE_QUERY']);
  assert.equal(rewriteTranslateName(makeRequest({ target: '/q/a%3fb', server: ts.server })).kind, 'ok');
});

test('server context: engine off, [END] marker and non-path URIs decline', () => {
  const off = loadRewriteConfig('RewriteRule ^ /b.html', '/srv/www');
  assert.equal(rewriteTranslateName(makeRequest({ target: '/x', server: off.server })).kind, 'declined');
  const on = loadRewriteConfig('RewriteEngine On\nRewriteRule ^ /b.html', '/srv/www');
  const ended = makeRequest({ target: '/x', server: on.server, poolData: new Map([['mod_rewrite:really_last', true]]) });
  assert.equal(rewriteTranslateName(ended).kind, 'declined');
  assert.equal(rewriteTranslateName(makeRequest({ target: '*', server: on.server })).kind, 'declined');
});

test('[N] cap and 2×LimitRequestLine give 500', () => {
  const ts = loadRewriteConfig('RewriteEngine On\nRewriteRule ^/n/(.*)x$ /n/$1 [N=3]\nRewriteRule ^/g/(.*)$ /g/$1$1 [N]', '/srv/www');
  const n = rewriteTranslateName(makeRequest({ target: '/n/axxxxx', server: ts.server }));
  assert.deepEqual([(n as { status: number }).status, (n as { code?: string }).code], [500, 'SG_ERR_REWRITE_MAX_ROUNDS']);
  const g = rewriteTranslateName(makeRequest({ target: '/g/ab', server: ts.server }));
  assert.deepEqual([(g as { status: number }).status, (g as { code?: string }).code], [500, 'SG_ERR_REWRITE_TOO_LONG']);
});

test('per-dir: prefix stripped and re-added, internal redirect sets redirect: filename and handler', (t) => {
  const tree = makeTree({ 'htdocs/sub/t.html': 't' });
  t.after(() => tree.cleanup());
  const ts = loadRewriteConfig('', tree.docroot);
  const dir = `${tree.docroot}/sub/`;
  const conf = perDir(dir, ['RewriteEngine On', 'RewriteRule ^a/(.*)$ deep/$1?q=1 [L]'], ts);
  const r = makeRequest({ target: '/sub/a/x', server: ts.server, filename: `${dir}a`, pathInfo: '/x' });
  r.perDirConfig = { rewrite_module: conf, core_module: { options: new Set(['FollowSymLinks']) } };
  assert.deepEqual(rewriteFixup(r), { kind: 'internalRedirect', url: '/sub/deep/x?q=1' });
  assert.equal(r.filename, 'redirect:/sub/deep/x');
  assert.equal(r.handler, 'redirect-handler');
});

test('per-dir: RewriteBase, [R] leaking the file-system path, FollowSymLinks requirement, no-slash skip', (t) => {
  const tree = makeTree({ 'htdocs/sub/t.html': 't' });
  t.after(() => tree.cleanup());
  const ts = loadRewriteConfig('', tree.docroot);
  const dir = `${tree.docroot}/sub/`;
  const mk = (lines: string[], filename: string, options = ['FollowSymLinks']) => {
    const r = makeRequest({ target: '/sub/x', server: ts.server, filename });
    r.perDirConfig = { rewrite_module: perDir(dir, lines, ts), core_module: { options: new Set(options) } };
    return r;
  };
  const base = mk(['RewriteEngine On', 'RewriteBase /base/', 'RewriteRule ^x$ y.html'], `${dir}x`);
  assert.deepEqual(rewriteFixup(base), { kind: 'internalRedirect', url: '/base/y.html' });
  const leak = mk(['RewriteEngine On', 'RewriteRule ^x$ y.html [R]'], `${dir}x`);
  assert.deepEqual(rewriteFixup(leak), { kind: 'redirect', status: 302, location: `http://www.example.com${dir}y.html` });
  const baseR = mk(['RewriteEngine On', 'RewriteBase /base/', 'RewriteRule ^x$ y.html [R]'], `${dir}x`);
  assert.deepEqual(rewriteFixup(baseR), { kind: 'redirect', status: 302, location: 'http://www.example.com/base/y.html' });
  const noLinks = mk(['RewriteEngine On', 'RewriteRule ^never$ y.html'], `${dir}t.html`, ['Indexes']);
  assert.equal((rewriteFixup(noLinks) as { status: number }).status, 403);
  const owner = mk(['RewriteEngine On', 'RewriteRule ^x$ y.html'], `${dir}x`, ['SymLinksIfOwnerMatch']);
  assert.equal(rewriteFixup(owner).kind, 'internalRedirect');
  const bare = mk(['RewriteEngine On', 'RewriteRule sub$ y.html'], dir.slice(0, -1));
  assert.equal(rewriteFixup(bare).kind, 'declined');
  const same = mk(['RewriteEngine On', 'RewriteRule ^x$ x?n=1'], `${dir}x`);
  assert.deepEqual(rewriteFixup(same), { kind: 'ok' });
  assert.equal(same.args, 'n=1');
});

test('per-dir: [END] sets the marker that stops later passes; [DPI] drops path info', (t) => {
  const tree = makeTree({ 'htdocs/t.html': 't' });
  t.after(() => tree.cleanup());
  const ts = loadRewriteConfig('', tree.docroot);
  const dir = `${tree.docroot}/`;
  const poolData = new Map<string, unknown>();
  const r = makeRequest({ target: '/x/more', server: ts.server, filename: `${dir}x`, pathInfo: '/more', poolData });
  r.perDirConfig = { rewrite_module: perDir(dir, ['RewriteEngine On', 'RewriteRule ^x/more$ t.html [END,DPI]']), core_module: {} };
  assert.deepEqual(rewriteFixup(r), { kind: 'internalRedirect', url: '/t.html' });
  assert.equal(r.pathInfo, '');
  assert.equal(poolData.get('mod_rewrite:really_last'), true);
  const again = makeRequest({ target: '/t.html', server: ts.server, filename: `${dir}t.html`, poolData });
  again.perDirConfig = r.perDirConfig;
  assert.equal(rewriteFixup(again).kind, 'declined');
});

test('[T=] and [H=] are applied by the type checker; [CO] and [E] by the rule', () => {
  const ts = loadRewriteConfig('RewriteEngine On\nRewriteRule ^/t$ - [T=Text/X-Y,H=My-H,E=A:1,CO=c:v:example.com:0:/:secure:1]', '/srv/www');
  const r = makeRequest({ target: '/t', server: ts.server });
  rewriteTranslateName(r);
  rewriteTypeChecker(r);
  assert.equal(r.contentType, 'text/x-y');
  assert.equal(r.handler, 'my-h');
  assert.equal(r.env.get('A'), '1');
  assert.equal(r.errHeadersOut.get('Set-Cookie'), 'c=v; path=/; domain=example.com; secure; HttpOnly');
});

test('explain: each rule, condition and substitution is traced', () => {
  const ts = loadRewriteConfig('RewriteEngine On\nRewriteCond %{QUERY_STRING} ^a\nRewriteRule ^/(x)$ /b.html', '/srv/www');
  const r = makeRequest({ target: '/x?a', server: ts.server, trace: true });
  rewriteTranslateName(r);
  const text = r.trace!.map((s) => s.text).join('\n');
  assert.match(text, /rule \^\/\(x\)\$ \(test\.conf:3\) on '\/x': matched/);
  assert.match(text, /cond '%\{QUERY_STRING\}' \('a'\) \^a: true/);
  assert.match(text, /substitution '\/b.html' → '\/b.html'/);
});

test('LA-U and -U go through the routing services', () => {
  const services = fakeServices({ sub: (uri) => ({ status: uri === '/ok' ? 200 : 404, filename: `/srv/www${uri}`, finfo: null, uri }) });
  const ts = loadRewriteConfig('RewriteEngine On\nRewriteCond /ok -U\nRewriteRule ^/(.*)$ - [E=F:%{LA-U:REQUEST_FILENAME}]', '/srv/www');
  const r = makeRequest({ target: '/z', server: ts.server, services });
  rewriteTranslateName(r);
  assert.equal(r.env.get('F'), '/srv/www/z');
});
