/**
 * ErrorDocument through `smoothgate serve`, side by side with a real Apache 2.4 loading the very same
 * httpd.conf and .htaccess files: for each request the status, Location and body must be equal
 * (local pages with the error's status, messages, external redirects, `default`, a failing page's
 * "Additionally" sentence, REDIRECT_STATUS seen by RewriteCond). Then what only the gateway does: a
 * 502 of its own proxy passes through ErrorDocument.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { apacheAvailable, startApache } from '../helpers/apache-backend';
import { fetchRaw } from '../helpers/http-client';
import { startServe } from '../helpers/serve-process';


const FILES: Record<string, string> = {
  'index.html': 'home\n',
  'err/404.html': '<h1>custom not found</h1>\n',
  '.htaccess': [
    'ErrorDocument 404 /err/404.html',
    'ErrorDocument 410 https://errors.example.org/gone?from=old',
    'ErrorDocument 405 "no such method here',
    'RewriteEngine On',
    // The page is reachable only as an error document (REDIRECT_STATUS is set on the redirect).
    'RewriteCond %{ENV:REDIRECT_STATUS} ^$',
    'RewriteRule ^err/ - [F]',
    'RewriteRule ^old$ - [G]',
    '',
  ].join('\n'),
  'plain/.htaccess': 'ErrorDocument 404 default\n',
  'texts/.htaccess': 'ErrorDocument 404 "Nothing at %{REQUEST_URI}\n',
  // (A trailing backslash would stop Apache's child: "flex scanner jammed".)
  'escapes/.htaccess': 'ErrorDocument 404 "a\\tb %{tolower:ABC} \\\\%{REQUEST_URI} \\101"\n',
  'broken/.htaccess': 'ErrorDocument 404 /broken/nowhere.html\n',
  'locked/.htaccess': 'Require all denied\nErrorDocument 403 /locked/page.html\n',
  'locked/page.html': 'shown: the same configuration is not checked again\n',
  // In the page's own request a rule's [G] is a first error again (mod_rewrite resets r->status) …
  'gone/.htaccess': 'ErrorDocument 404 /gone/g\nRewriteEngine On\nRewriteRule ^g$ - [G]\n',
  // … while mod_alias's Redirect there is a recursive error.
  'moved/.htaccess': 'ErrorDocument 404 /moved/p\nRedirect 301 /moved/p http://elsewhere.example/\n',
  'loop/.htaccess': 'ErrorDocument 404 /loop/a\n',
  'loop/a/.htaccess': 'RewriteEngine On\nRewriteRule ^(.*)$ x$1 [L]\n',
};

interface Served {
  readonly port: number;
}

async function serve(t: TestContext, httpdConf: string): Promise<Served> {
  return { port: await startServe(t, ['--httpd-conf', httpdConf]) };
}

interface Seen {
  readonly status: number;
  readonly location: string | undefined;
  readonly body: string;
}

async function ask(origin: string, path: string, method = 'GET'): Promise<Seen> {
  const r = await fetchRaw(origin + path, { method: method as 'GET', headers: { host: 'www.example.com' }, body: method === 'PUT' ? 'x' : undefined });
  const location = r.headers.location;
  return { status: r.status, location: Array.isArray(location) ? location.join(', ') : location, body: r.body.toString('latin1') };
}

test('the same requests get the same ErrorDocument answers from Apache and from smoothgate serve', { skip: !apacheAvailable() }, async (t) => {
  const apache = await startApache({ files: FILES });
  t.after(() => apache.stop());
  // smoothgate loads Apache's own httpd.conf unchanged (only the listener differs).
  const gateway = await serve(t, join(apache.root, 'httpd.conf'));
  const requests: Array<[path: string, method?: string]> = [
    ['/missing.html'],
    ['/missing.html?a=1', 'HEAD'],
    ['/index.html', 'PUT'],
    ['/err/404.html'],
    ['/old'],
    ['/plain/missing'],
    ['/texts/missing'],
    ['/escapes/missing'],
    ['/broken/missing'],
    ['/locked/x.html'],
    ['/gone/x'],
    ['/moved/x'],
    ['/loop/missing'],
    ['/index.html'],
  ];
  for (const [path, method] of requests) {
    const expected = await ask(apache.url, path, method);
    const got = await ask(`http://127.0.0.1:${gateway.port}`, path, method);
    assert.deepEqual(got, expected, `${method ?? 'GET'} ${path}`);
  }
  // What the cases above exercise, spelled out.
  const page = await ask(`http://127.0.0.1:${gateway.port}`, '/missing.html');
  assert.deepEqual([page.status, page.body], [404, '<h1>custom not found</h1>\n']);
  const broken = await ask(`http://127.0.0.1:${gateway.port}`, '/broken/missing');
  assert.match(broken.body, /Additionally, a 404 Not Found\nerror was encountered while trying to use an ErrorDocument/);
});

test("the gateway's own statuses go through ErrorDocument: the proxy's 502, the media handler's 415, a refused script's 403", { skip: !apacheAvailable() }, async (t) => {
  const { mkdtempSync, writeFileSync, mkdirSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'sg-errordoc-'));
  mkdirSync(join(dir, 'htdocs'));
  writeFileSync(join(dir, 'htdocs', 'down.html'), 'the backend is down\n');
  writeFileSync(join(dir, 'htdocs', 'broken.mp4'), 'these bytes are no MP4');
  writeFileSync(join(dir, 'htdocs', 'x.php'), '<?php echo "secret"; ?>');
  const conf = join(dir, 'httpd.conf');
  writeFileSync(
    conf,
    [
      'LoadModule authz_core_module /usr/lib/apache2/modules/mod_authz_core.so',
      'LoadModule proxy_module /usr/lib/apache2/modules/mod_proxy.so',
      'LoadModule proxy_http_module /usr/lib/apache2/modules/mod_proxy_http.so',
      'LoadModule mime_module /usr/lib/apache2/modules/mod_mime.so',
      'ServerName localhost',
      `DocumentRoot "${dir}/htdocs"`,
      `<Directory "${dir}/htdocs">`,
      'Require all granted',
      '</Directory>',
      // Nothing listens on port 9 of the loopback: the proxy answers 502.
      'ProxyPass /api/ http://127.0.0.1:9/',
      'ErrorDocument 502 /down.html',
      'AddHandler h264-streaming.extensions .mp4',
      'AddHandler application/x-httpd-php .php',
      'ErrorDocument 415 "cannot stream this"',
      'ErrorDocument 403 "no scripts here"',
      '',
    ].join('\n'),
  );
  const gateway = await serve(t, conf);
  const answer = await ask(`http://127.0.0.1:${gateway.port}`, '/api/x');
  assert.deepEqual([answer.status, answer.body], [502, 'the backend is down\n']);
  const media = await ask(`http://127.0.0.1:${gateway.port}`, '/broken.mp4?start=5');
  assert.deepEqual([media.status, media.body], [415, 'cannot stream this']);
  const script = await ask(`http://127.0.0.1:${gateway.port}`, '/x.php');
  assert.deepEqual([script.status, script.body], [403, 'no scripts here']);
});

test('a page the legacy host runs (PHP) is asked for with GET by its own URL and keeps the error status', { skip: !apacheAvailable() }, async (t) => {
  const { createServer } = await import('node:http');
  const { mkdtempSync, writeFileSync, mkdirSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const seen: string[] = [];
  const backend = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      seen.push(`${req.method} ${req.url} body=${body.length}`);
      res.setHeader('Content-Type', 'text/html');
      res.end(`php page for ${req.url}`);
    });
  });
  await new Promise<void>((r) => backend.listen(0, '127.0.0.1', r));
  t.after(() => {
    backend.closeAllConnections();
    backend.close();
  });
  const backendUrl = `http://127.0.0.1:${(backend.address() as { port: number }).port}`;
  const dir = mkdtempSync(join(tmpdir(), 'sg-errordoc-'));
  mkdirSync(join(dir, 'htdocs'));
  writeFileSync(join(dir, 'htdocs', 'err.php'), '<?php echo "x"; ?>');
  const conf = join(dir, 'httpd.conf');
  writeFileSync(
    conf,
    [
      'LoadModule authz_core_module /usr/lib/apache2/modules/mod_authz_core.so',
      'LoadModule mime_module /usr/lib/apache2/modules/mod_mime.so',
      'ServerName localhost',
      `DocumentRoot "${dir}/htdocs"`,
      `<Directory "${dir}/htdocs">`,
      'Require all granted',
      '</Directory>',
      'AddHandler application/x-httpd-php .php',
      'ErrorDocument 404 /err.php',
      '',
    ].join('\n'),
  );
  const port = await startServe(t, ['--httpd-conf', conf, '--backend', backendUrl]);
  const r = await fetchRaw(`http://127.0.0.1:${port}/missing.html?q=1`, { method: 'POST', body: 'a=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  assert.equal(r.status, 404);
  assert.equal(r.body.toString(), 'php page for /err.php');
  assert.deepEqual(seen, ['GET /err.php body=0']);
});

test('ProxyErrorOverride: backend errors answered through ErrorDocument, alike from Apache and smoothgate serve', { skip: !apacheAvailable() }, async (t) => {
  const { createServer } = await import('node:http');
  const backend = createServer((req, res) => {
    const status = req.url === '/b/missing' ? 404 : req.url === '/b/err' ? 500 : 200;
    res.statusCode = status;
    res.setHeader('Content-Type', 'text/plain');
    res.end(`backend ${status} for ${req.url}`);
  });
  await new Promise<void>((r) => backend.listen(0, '127.0.0.1', r));
  t.after(() => {
    backend.closeAllConnections();
    backend.close();
  });
  const port = (backend.address() as { port: number }).port;
  const apache = await startApache({
    files: { 'index.html': 'home\n' },
    modules: ['mpm_prefork', 'authz_core', 'mime', 'dir', 'alias', 'rewrite', 'headers', 'proxy', 'proxy_http'],
    conf: [
      `ProxyPass /b/ http://127.0.0.1:${port}/b/`,
      `ProxyPass /o/ http://127.0.0.1:${port}/b/`,
      '<Location /b/>',
      'ProxyErrorOverride On',
      '</Location>',
      '<Location /o/>',
      'ProxyErrorOverride On 500',
      '</Location>',
      // The page is proxied too: under ProxyErrorOverride it keeps the 404 (mod_proxy_http original_status).
      'ErrorDocument 404 /b/page',
      'ErrorDocument 500 "five hundred"',
      '',
    ].join('\n'),
  });
  t.after(() => apache.stop());
  const gateway = await serve(t, join(apache.root, 'httpd.conf'));
  for (const path of ['/b/missing', '/b/err', '/o/missing', '/o/err', '/b/ok', '/nothing-here']) {
    const expected = await ask(apache.url, path);
    const got = await ask(`http://127.0.0.1:${gateway.port}`, path);
    assert.deepEqual(got, expected, path);
  }
  const page = await ask(`http://127.0.0.1:${gateway.port}`, '/b/missing');
  assert.deepEqual([page.status, page.body], [404, 'backend 200 for /b/page']);
});
