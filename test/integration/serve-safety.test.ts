/**
 * `smoothgate serve` as a process over a real httpd.conf (issue 4 "Done when"): traversal attempts
 * never read a file outside the mapped roots; a script is never sent as source; .htaccess edits take
 * effect without a restart. Requests go over a raw socket so that no client normalises the target.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT, startServe } from '../helpers/serve-process';

const SECRET = 'TOP-SECRET-6f1c';
const PHP_SOURCE = '<?php echo "db password hunter2"; ?>';
const MODULES = ['authz_core', 'mime', 'dir', 'alias', 'rewrite', 'headers'];

function site(): string {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'sg-safety-')));
  mkdirSync(join(root, 'htdocs', 'sub'), { recursive: true });
  mkdirSync(join(root, 'htdocs', 'nolinks'), { recursive: true });
  mkdirSync(join(root, 'outside'), { recursive: true });
  writeFileSync(join(root, 'outside', 'secret.txt'), SECRET);
  writeFileSync(join(root, 'htdocs', 'a.txt'), 'public a');
  writeFileSync(join(root, 'htdocs', 'sub', 'a.txt'), 'public sub a');
  writeFileSync(join(root, 'htdocs', 'index.php'), PHP_SOURCE);
  writeFileSync(join(root, 'htdocs', '.htpasswd'), 'user:$apr1$x$y');
  symlinkSync(join(root, 'outside', 'secret.txt'), join(root, 'htdocs', 'nolinks', 'link.txt'));
  writeFileSync(join(root, 'mime.types'), 'text/plain txt\ntext/html html\napplication/x-httpd-php php\n');
  writeFileSync(
    join(root, 'httpd.conf'),
    [
      ...MODULES.map((m) => `LoadModule ${m}_module /usr/lib/apache2/modules/mod_${m}.so`),
      `ServerRoot "${root}"`,
      'ServerName www.example.com',
      'TypesConfig mime.types',
      `DocumentRoot "${root}/htdocs"`,
      'AddHandler application/x-httpd-php .php',
      '<Directory />\n  Options FollowSymLinks\n  AllowOverride None\n  Require all denied\n</Directory>',
      `<Directory "${root}/htdocs">\n  Options FollowSymLinks\n  AllowOverride All\n  Require all granted\n</Directory>`,
      `<Directory "${root}/htdocs/nolinks">\n  Options -FollowSymLinks\n</Directory>`,
      '<FilesMatch "^\\.ht">\n  Require all denied\n</FilesMatch>',
      '',
    ].join('\n'),
  );
  return root;
}

function serve(t: import('node:test').TestContext, root: string): Promise<number> {
  return startServe(t, ['--httpd-conf', join(root, 'httpd.conf')]);
}

/** One raw request (the target exactly as given); resolves with the status and the body. */
function raw(port: number, target: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (d) => chunks.push(d));
    socket.on('error', reject);
    socket.on('end', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1] ?? 0);
      resolve({ status, body: text.slice(text.indexOf('\r\n\r\n') + 4) });
    });
    socket.write(Buffer.from(`GET ${target} HTTP/1.1\r\nHost: www.example.com\r\nConnection: close\r\n\r\n`, 'latin1'));
  });
}

test('traversal attempts never read a file outside the mapped roots', async (t) => {
  const root = site();
  const port = await serve(t, root);
  const attempts = [
    '/../outside/secret.txt',
    '/sub/../../outside/secret.txt',
    '/%2e%2e/outside/secret.txt',
    '/.%2e/outside/secret.txt',
    '/..%2foutside%2fsecret.txt',
    '/sub/..%2f..%2foutside/secret.txt',
    '/%252e%252e/outside/secret.txt',
    '/..\\outside\\secret.txt',
    '/..%5coutside%5csecret.txt',
    '/%c0%ae%c0%ae/outside/secret.txt',
    '/%c0%2e%c0%2e/outside/secret.txt',
    '/a.txt%00/../../outside/secret.txt',
    '/nolinks/link.txt',
    `/${root}/outside/secret.txt`,
    `http://www.example.com/../outside/secret.txt`,
  ];
  for (const target of attempts) {
    const { status, body } = await raw(port, target);
    assert.ok(!body.includes(SECRET), `${target} leaked the secret (status ${status})`);
    assert.notEqual(status, 200, `${target} answered 200`);
  }
  // The mapped files themselves are served.
  assert.deepEqual(await raw(port, '/a.txt'), { status: 200, body: 'public a' });
});

test('a script is never sent as source, and .ht* files are refused', async (t) => {
  const root = site();
  const port = await serve(t, root);
  for (const target of ['/index.php', '/INDEX.php', '/index.php/extra', '/', '/index.php?x=1']) {
    const { status, body } = await raw(port, target);
    assert.ok(!body.includes('hunter2'), `${target} sent the PHP source`);
    assert.ok(status === 403 || status === 404, `${target}: ${status}`);
  }
  assert.equal((await raw(port, '/.htpasswd')).status, 403);
  assert.equal((await raw(port, '/.htaccess')).status, 403);
});

test('.htaccess edits take effect without a restart', async (t) => {
  const root = site();
  const port = await serve(t, root);
  const htaccess = join(root, 'htdocs', 'sub', '.htaccess');
  writeFileSync(htaccess, 'RewriteEngine On\nRewriteRule ^x$ a.txt [L]\n');
  await new Promise((r) => setTimeout(r, 1200));
  assert.deepEqual(await raw(port, '/sub/x'), { status: 200, body: 'public sub a' });
  writeFileSync(htaccess, 'RewriteEngine On\nRewriteRule ^x$ - [F]\n');
  // The file-system view caches answers for 1 s (README); the edit is seen after that.
  await new Promise((r) => setTimeout(r, 1200));
  assert.equal((await raw(port, '/sub/x')).status, 403);
  writeFileSync(htaccess, 'RewriteEngine On\nRewriteRule ^x$ b.txt [L\n');
  await new Promise((r) => setTimeout(r, 1200));
  assert.equal((await raw(port, '/sub/x')).status, 500, 'a broken .htaccess is a 500 for its scope');
  assert.deepEqual(await raw(port, '/a.txt'), { status: 200, body: 'public a' }, 'and only its scope');
});

test('a file with a UTF-8 name is served from its percent-encoded URL, as by Apache (static and h264-streaming)', async (t) => {
  const root = site();
  // Apache maps the URL's bytes to the file system's bytes: /%C3%A9t%C3%A9.txt is the file "été.txt".
  writeFileSync(join(root, 'htdocs', 'été.txt'), 'summer');
  copyFileSync(join(PROJECT_ROOT, 'test', 'fixtures', 'video-only-24.mp4'), join(root, 'htdocs', 'vidéo.mp4'));
  const conf = join(root, 'httpd.conf');
  writeFileSync(conf, readFileSync(conf, 'utf8') + 'AddHandler h264-streaming.extensions .mp4\n');
  const port = await serve(t, root);
  assert.deepEqual(await raw(port, '/%C3%A9t%C3%A9.txt'), { status: 200, body: 'summer' });
  const cut = await raw(port, '/vid%C3%A9o.mp4?start=1');
  assert.equal(cut.status, 200, 'the streaming handler opens the same file');
  assert.ok(cut.body.length > 1000);
  // Bytes that are no UTF-8 name on this disk are simply not found.
  assert.equal((await raw(port, '/%E9t%E9.txt')).status, 404);
});
