/**
 * The proxy before a real Apache 2.4 (Debian apache2) as the legacy backend (issue 4 "Done when"):
 * the same request set sent to Apache directly and through smoothgate gives the same status,
 * Location and body. The routing core is not wired in this worktree yet, so `decide` is a small
 * hand-written table (test/helpers/table-decide.ts): every path is a `file` for the backend, except
 * the streaming paths answered in-process by a stub handler.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { apacheAvailable, startApache } from '../helpers/apache-backend';
import { startGateway } from '../helpers/gateway';
import { tableDecide } from '../helpers/table-decide';
import { fetchRaw } from '../helpers/http-client';
import type { HandlerTable } from '../../src/server/raw-request';

const BIG = randomBytes(3 * 1024 * 1024);

test('through smoothgate, Apache answers exactly as it does directly', { skip: !apacheAvailable() }, async (t) => {
  const apache = await startApache({
    files: {
      'index.html': '<h1>home</h1>\n',
      'page.html': 'x'.repeat(2700),
      'big.bin': BIG,
      'dir/a.txt': 'in a dir\n',
      'dir/.htaccess': 'RewriteEngine On\nRewriteRule ^old$ new [R=301,L]\n',
      'ut8 é.txt': 'accent\n',
    },
    conf: 'Redirect 302 /moved http://elsewhere.example/target\n<Location /secret>\nRequire all denied\n</Location>\nDirectoryIndex index.html\n',
  });
  t.after(() => apache.stop());
  const handlers: HandlerTable = new Map([
    ['h264-streaming', async (_d, _req, res) => void res.writeHead(200, { 'Content-Type': 'video/mp4' }).end('in-process')],
  ]);
  const gw = await startGateway(t, {
    settings: { backend: { url: apache.url, preserveHost: true, sendOriginalUrl: true, connectTimeoutMs: 2000, headersTimeoutMs: 5000, bodyTimeoutMs: 5000, connections: 8 } },
    decide: tableDecide({ '/v/movie.mp4': { kind: 'handler', handlerName: 'h264-streaming.extensions', path: '/nonexistent/movie.mp4' } }, (req) => ({ kind: 'file', path: `/docroot${req.rawTarget}` })),
    handlers,
  });

  const targets = [
    '/', '/index.html', '/page.html', '/big.bin', '/missing', '/dir', '/dir/', '/dir/a.txt', '/dir/old', '/moved',
    '/secret', '/dir/a.txt?x=%zz', '/ut8%20%C3%A9.txt', '/%2e%2e/etc/passwd', '/dir/%2e%2e/index.html',
  ];
  for (const target of targets) {
    for (const method of ['GET', 'HEAD'] as const) {
      const direct = await fetchRaw(apache.url + target, { method, headers: { host: `127.0.0.1:${apache.port}` } });
      // preserveHost: the backend sees the client's Host, so absolute Locations name the same host.
      const viaGw = await fetchRaw(gw.url + target, { method, headers: { host: `127.0.0.1:${apache.port}` } });
      assert.equal(viaGw.status, direct.status, `${method} ${target} status`);
      assert.equal(viaGw.headers.location, direct.headers.location, `${method} ${target} Location`);
      assert.equal(viaGw.headers['content-type'], direct.headers['content-type'], `${method} ${target} type`);
      assert.ok(viaGw.body.equals(direct.body), `${method} ${target} body`);
    }
  }
  const streamed = await fetchRaw(`${gw.url}/v/movie.mp4?start=10`);
  assert.equal(streamed.status, 200);
  assert.equal(streamed.body.toString(), 'in-process');
  assert.ok(streamed.headers['x-smoothgate'], 'our own outputs carry X-Smoothgate');
  assert.ok(gw.accessLines.length >= targets.length * 2);
});

test('a POST body reaches Apache through the proxy and its answer comes back', { skip: !apacheAvailable() }, async (t) => {
  const apache = await startApache({ files: { 'echo.txt': 'static\n' } });
  t.after(() => apache.stop());
  const gw = await startGateway(t, {
    settings: { backend: { url: apache.url, preserveHost: false, sendOriginalUrl: true, connectTimeoutMs: 2000, headersTimeoutMs: 5000, bodyTimeoutMs: 5000, connections: 8 } },
    decide: tableDecide({}, () => ({ kind: 'file', path: '/x' })),
  });
  // Apache's default handler answers POST to a static file with the file (SPEC-NOTES §4.8 trap 40).
  const direct = await fetchRaw(`${apache.url}/echo.txt`, { method: 'POST', body: 'a=1' });
  const via = await fetchRaw(`${gw.url}/echo.txt`, { method: 'POST', body: 'a=1' });
  assert.equal(via.status, direct.status);
  assert.equal(via.body.toString(), direct.body.toString());
  const put = await fetchRaw(`${gw.url}/echo.txt`, { method: 'PUT', body: 'x' });
  const putDirect = await fetchRaw(`${apache.url}/echo.txt`, { method: 'PUT', body: 'x' });
  assert.equal(put.status, putDirect.status);
  assert.equal(put.headers.allow, putDirect.headers.allow);
});
