/**
 * The gateway carries out each RouteDecision as INTERFACE.md §4's table "what serve does" says.
 * `decide` is a hand-written table (the real routing core is built in parallel and not wired yet).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGateway } from '../helpers/gateway';
import { buildDecision, tableDecide } from '../helpers/table-decide';
import { fetchRaw, rawExchange, statusOf } from '../helpers/http-client';
import type { HandlerTable } from '../../src/server/raw-request';
import { errorPageBody } from '../../src/server/error-page';

function docroot(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sg-doc-'));
  writeFileSync(join(dir, 'a.txt'), 'hello file\n');
  writeFileSync(join(dir, 'index.php'), '<?php echo "secret source"; ?>');
  return dir;
}

test('redirect, status and auth are answered locally with Apache bodies', async (t) => {
  const gw = await startGateway(t, {
    decide: tableDecide({
      '/r': { kind: 'redirect', status: 301, location: 'http://example.com/new' },
      '/gone': { kind: 'status', status: 410 },
      '/m': { kind: 'status', status: 405, statusHeaders: [['Allow', 'GET, HEAD']] },
      '/auth': { kind: 'auth', challenge: 'Basic realm="members"' },
    }),
  });
  const r = await fetchRaw(`${gw.url}/r`);
  assert.equal(r.status, 301);
  assert.equal(r.headers.location, 'http://example.com/new');
  assert.equal(r.headers['content-type'], 'text/html; charset=iso-8859-1');
  assert.equal(r.body.toString('latin1'), errorPageBody(301, { method: 'GET', location: 'http://example.com/new' }));
  const g = await fetchRaw(`${gw.url}/gone`);
  assert.equal(g.status, 410);
  assert.match(g.body.toString(), /<title>410 Gone<\/title>/);
  const m = await fetchRaw(`${gw.url}/m`, { method: 'DELETE' });
  assert.equal(m.status, 405);
  assert.equal(m.headers.allow, 'GET, HEAD');
  assert.match(m.body.toString(), /The requested method DELETE is not allowed/);
  const a = await fetchRaw(`${gw.url}/auth`);
  assert.equal(a.status, 401);
  assert.equal(a.headers['www-authenticate'], 'Basic realm="members"');
  const head = await fetchRaw(`${gw.url}/gone`, { method: 'HEAD' });
  assert.equal(head.body.length, 0, 'HEAD: no body (RFC 9110 §9.3.2)');
  assert.equal(Number(head.headers['content-length']), g.body.length);
  const missing = await fetchRaw(`${gw.url}/nothing`);
  assert.equal(missing.status, 404);
});

test('handlers are looked up with or without .extensions; decision headers are applied', async (t) => {
  const seen: string[] = [];
  const handlers: HandlerTable = new Map([
    ['h264-streaming', async (d, _req, res) => {
      seen.push(d.handlerName);
      res.writeHead(200, { 'Content-Type': 'video/mp4' }).end('mp4');
    }],
    ['smooth-streaming', async (_d, _req, res) => void res.end('ism')],
  ]);
  const gw = await startGateway(t, {
    handlers,
    decide: (req) => {
      const path = req.rawTarget.split('?')[0];
      if (path === '/a.mp4') return buildDecision(req, { kind: 'handler', handlerName: 'h264-streaming.extensions', path: '/x/a.mp4' }, [['Cache-Control', 'max-age=9'], ['X-Extra', 'one'], ['X-Extra', 'two']]);
      if (path === '/b.mp4') return buildDecision(req, { kind: 'handler', handlerName: 'h264-streaming', path: '/x/b.mp4' });
      return buildDecision(req, { kind: 'handler', handlerName: 'smooth-streaming.extensions', path: '/x/c.ism' });
    },
  });
  const a = await fetchRaw(`${gw.url}/a.mp4?start=3`);
  assert.equal(a.body.toString(), 'mp4');
  assert.equal(a.headers['cache-control'], 'max-age=9');
  assert.deepEqual(a.headers['x-extra'], ['one', 'two']);
  assert.equal((await fetchRaw(`${gw.url}/b.mp4`)).body.toString(), 'mp4');
  assert.equal((await fetchRaw(`${gw.url}/c.ism/Manifest`)).body.toString(), 'ism');
  assert.deepEqual(seen, ['h264-streaming.extensions', 'h264-streaming']);
});

test('without a backend: static files are sent, scripts and unknown handlers are 403, never source', async (t) => {
  const dir = docroot();
  const gw = await startGateway(t, {
    decide: tableDecide({
      '/a.txt': { kind: 'file', path: join(dir, 'a.txt'), contentType: 'text/plain' },
      '/index.php': { kind: 'file', path: join(dir, 'index.php'), handler: 'application/x-httpd-php' },
      '/run.php': { kind: 'handler', handlerName: 'php-script', path: join(dir, 'index.php') },
      '/fcgi.php': { kind: 'handler', handlerName: 'proxy:fcgi://127.0.0.1:9000', path: join(dir, 'index.php') },
      '/plain': { kind: 'handler', handlerName: 'default-handler', path: join(dir, 'a.txt') },
    }),
  });
  const a = await fetchRaw(`${gw.url}/a.txt`);
  assert.equal(a.status, 200);
  assert.equal(a.body.toString(), 'hello file\n');
  assert.equal(a.headers['content-type'], 'text/plain');
  for (const path of ['/index.php', '/run.php', '/fcgi.php']) {
    const r = await fetchRaw(gw.url + path);
    assert.equal(r.status, 403, path);
    assert.doesNotMatch(r.body.toString(), /secret source/, `${path} never sent as source`);
  }
  assert.equal((await fetchRaw(`${gw.url}/plain`)).body.toString(), 'hello file\n');
});

test('a handler that throws gets a 500 before headers, a cut connection after; the server lives on', async (t) => {
  const handlers: HandlerTable = new Map([
    ['early', async () => {
      throw new Error('boom before headers');
    }],
    ['late', async (_d, _req, res) => {
      res.writeHead(200, { 'Content-Length': '100' });
      res.write('partial');
      await new Promise((r) => setTimeout(r, 20));
      throw new Error('boom after headers');
    }],
    ['sync', (() => {
      throw new Error('thrown synchronously');
    }) as never],
  ]);
  const gw = await startGateway(t, {
    handlers,
    decide: (req) => buildDecision(req, { kind: 'handler', handlerName: req.rawTarget.slice(1), path: '/x' }),
  });
  const early = await fetchRaw(`${gw.url}/early`);
  assert.equal(early.status, 500);
  assert.match(early.body.toString(), /Internal Server Error/);
  const late = await rawExchange(gw.port, 'GET /late HTTP/1.1\r\nHost: x\r\n\r\n');
  assert.equal(statusOf(late), 200);
  assert.ok(late.endsWith('partial'), 'the body stops where the handler failed; the socket is closed');
  assert.equal((await fetchRaw(`${gw.url}/sync`)).status, 500);
  // The decision function itself failing is a 500 too.
  assert.equal((await fetchRaw(`${gw.url}/early`)).status, 500, 'still serving');
});

test('a routing core that throws is a logged 500, not a crash', async (t) => {
  const gw = await startGateway(t, {
    decide: () => {
      throw new Error('bug in decide');
    },
  });
  const r = await fetchRaw(`${gw.url}/x`);
  assert.equal(r.status, 500);
  assert.equal((await fetchRaw(`${gw.url}/y`)).status, 500);
});
