/**
 * The walk cache (Router + CachingFsView.derivedCache) keeps a directory walk only while the
 * answers it read stay cached: an .htaccess edit, a new file or a SIGHUP-style clear() must change
 * the decision exactly when an uncached walk over the same CachingFsView would.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../src/config';
import { buildCaseServer } from '../../src/conformance/case-server';
import { CachingFsView } from '../../src/fs/caching-fs-view';
import { NodeFsView } from '../../src/fs/node-fs-view';
import { Router } from '../../src/routing/router';
import type { RouteDecision } from '../../src/routing/decision';
import type { RoutingRequest } from '../../src/routing/routing-request';

function get(target: string): RoutingRequest {
  return {
    method: 'GET',
    rawTarget: target,
    protocol: 'HTTP/1.1',
    headers: [['Host', 'www.example.com']],
    clientIp: '127.0.0.1',
    clientPort: 40000,
    localIp: '127.0.0.1',
    localPort: 8180,
    isHttps: false,
  };
}

function summary(d: RouteDecision): string {
  if (d.kind === 'redirect') return `redirect ${d.status} ${d.location}`;
  if (d.kind === 'file' || d.kind === 'handler') return `${d.kind} ${d.path.replace(/^.*\/htdocs/, '')}`;
  return `${d.kind} ${d.status}`;
}

function setup() {
  const server = buildCaseServer({
    id: 'walk-cache', group: '', conf: '', files: { 'htdocs/a/page.html': 'x', 'htdocs/a/other.html': 'y' },
    request: {}, observe: {}, expected: null, line: 0,
  } as never);
  const config = loadConfig({ httpdConf: server.httpdConf, serverRoot: server.root, envvars: 'none', processEnv: {} });
  let now = 1_000;
  const fs = new CachingFsView(new NodeFsView(), { ttlMs: 1000, clock: () => now });
  const router = new Router(config, fs, { installedHandlers: new Set() });
  return { server, fs, router, advance: (ms: number) => (now += ms), docroot: join(server.root, 'htdocs') };
}

test('an .htaccess edit takes effect once the cached answers expire, not before', () => {
  const { server, router, advance, docroot } = setup();
  try {
    assert.equal(summary(router.decide(get('/a/page.html'))), 'file /a/page.html');
    writeFileSync(join(docroot, 'a', '.htaccess'), 'RewriteEngine On\nRewriteRule ^page\\.html$ other.html [L]\n');
    // Within the TTL the cached answers (no .htaccess in a/) still hold, as they do without the walk cache.
    advance(500);
    assert.equal(summary(router.decide(get('/a/page.html'))), 'file /a/page.html');
    advance(600);
    assert.equal(summary(router.decide(get('/a/page.html'))), 'file /a/other.html');
    writeFileSync(join(docroot, 'a', '.htaccess'), 'Require all denied\n');
    advance(1001);
    assert.equal(summary(router.decide(get('/a/page.html'))), 'status 403');
    unlinkSync(join(docroot, 'a', '.htaccess'));
    advance(1001);
    assert.equal(summary(router.decide(get('/a/page.html'))), 'file /a/page.html');
  } finally {
    server.dispose();
  }
});

test('a walk is dropped when the first of its answers expires (answers cached at different times)', () => {
  const { server, router, advance, docroot } = setup();
  try {
    // The walk of /a/page.html reads the answers for htdocs/ (and its .htaccess) now …
    assert.equal(summary(router.decide(get('/a/page.html'))), 'file /a/page.html');
    advance(700);
    // … a walk of /b/x.html 700 ms later reuses htdocs/'s answers and reads b/ afresh.
    assert.equal(summary(router.decide(get('/b/x.html'))), 'status 404');
    writeFileSync(join(docroot, '.htaccess'), 'Require all denied\n');
    advance(200);
    assert.equal(summary(router.decide(get('/b/x.html'))), 'status 404');
    // At +1000 htdocs/'s answers expire though b/'s are fresh: the /b walk must be redone and see
    // the new htdocs/.htaccess, as an uncached walk over the same view does.
    advance(150);
    assert.equal(summary(router.decide(get('/b/x.html'))), 'status 403');
    rmSync(join(docroot, '.htaccess'));
  } finally {
    server.dispose();
  }
});

test('clear() (reload) forgets cached walks at once', () => {
  const { server, fs, router, docroot } = setup();
  try {
    assert.equal(summary(router.decide(get('/a/page.html'))), 'file /a/page.html');
    writeFileSync(join(docroot, 'a', '.htaccess'), 'Require all denied\n');
    assert.equal(summary(router.decide(get('/a/page.html'))), 'file /a/page.html');
    fs.clear();
    assert.equal(summary(router.decide(get('/a/page.html'))), 'status 403');
    rmSync(join(docroot, 'a', '.htaccess'));
  } finally {
    server.dispose();
  }
});
