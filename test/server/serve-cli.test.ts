/**
 * `smoothgate serve` as a process (INTERFACE.md §2): `listening on` with the bound port, SIGHUP
 * with a broken smoothgate.yaml keeps serving (and a fixed one reloads), SIGTERM drains an in-flight
 * request and exits 0, `--workers 2` serves from a cluster. Until the routing core is wired,
 * An httpd.conf with `ProxyPass /` sends every request to the test backend through the real routing core.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { proxyAllHttpdConf } from '../helpers/proxy-all-conf';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fetchRaw } from '../helpers/http-client';

const CLI = join(__dirname, '..', '..', '..', 'bin', 'smoothgate.js');

async function backend(t: TestContext): Promise<string> {
  const server = createServer((req, res) => {
    if (req.url === '/slow') setTimeout(() => res.end('slow done'), 800);
    else res.end(`pid-agnostic ${req.url}`);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => {
    server.closeAllConnections();
    server.close();
  });
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

interface Served {
  child: ChildProcess;
  port: number;
  stderr: () => string;
  exit: Promise<number | null>;
}

async function serve(t: TestContext, args: string[]): Promise<Served> {
  const child = spawn(process.execPath, [CLI, 'serve', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stderr!.on('data', (d: Buffer) => (text += d.toString()));
  child.stdout!.resume();
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setInterval(() => {
      const m = /listening on 127\.0\.0\.1:(\d+)/.exec(text);
      if (m) {
        clearInterval(timer);
        resolve(Number(m[1]));
      }
    }, 10);
    void exit.then(() => {
      clearInterval(timer);
      reject(new Error(`serve exited early: ${text}`));
    });
  });
  return { child, port, stderr: () => text, exit };
}

async function waitFor(predicate: () => boolean, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('SIGHUP with a broken smoothgate.yaml keeps serving; a fixed one reloads', async (t) => {
  const url = await backend(t);
  const dir = mkdtempSync(join(tmpdir(), 'sg-serve-'));
  const config = join(dir, 'smoothgate.yaml');
  writeFileSync(config, `httpdConf: ${proxyAllHttpdConf(url)}\nbackend:\n  url: ${url}\nmetrics:\n  listen: null\nlog:\n  access: "%>s %U"\n`);
  const s = await serve(t, ['--config', config, '--listen', '127.0.0.1:0']);
  assert.equal((await fetchRaw(`http://127.0.0.1:${s.port}/a`)).body.toString(), 'pid-agnostic /a');
  writeFileSync(config, 'backend:\n  url: [broken\n');
  s.child.kill('SIGHUP');
  await waitFor(() => /reload failed/.test(s.stderr()));
  assert.match(s.stderr(), /SG_ERR_SERVER_RELOAD/);
  assert.equal((await fetchRaw(`http://127.0.0.1:${s.port}/b`)).body.toString(), 'pid-agnostic /b', 'old configuration keeps serving');
  writeFileSync(config, `httpdConf: ${proxyAllHttpdConf(url)}\nbackend:\n  url: ${url}\n`);
  s.child.kill('SIGHUP');
  await waitFor(() => /configuration reloaded/.test(s.stderr()));
  s.child.kill('SIGTERM');
  assert.equal(await s.exit, 0);
});

test('SIGHUP replaces ProxyPassReverse with the ProxyPass it belongs to', async (t) => {
  // The backend redirects to its own /x/next; the client must see it under the prefix in force.
  const server = createServer((req, res) => {
    res.writeHead(302, { Location: `http://127.0.0.1:${(server.address() as { port: number }).port}/x/next` }).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => server.close());
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const dir = mkdtempSync(join(tmpdir(), 'sg-serve-'));
  const conf = join(dir, 'httpd.conf');
  const write = (prefix: string): void =>
    writeFileSync(
      conf,
      [
        'LoadModule authz_core_module /usr/lib/apache2/modules/mod_authz_core.so',
        'LoadModule proxy_module /usr/lib/apache2/modules/mod_proxy.so',
        'LoadModule proxy_http_module /usr/lib/apache2/modules/mod_proxy_http.so',
        'ServerName localhost',
        `DocumentRoot "${dir}"`,
        `ProxyPass /${prefix}/ ${url}/x/`,
        `ProxyPassReverse /${prefix}/ ${url}/x/`,
        '',
      ].join('\n'),
    );
  write('old');
  const s = await serve(t, ['--listen', '127.0.0.1:0', '--httpd-conf', conf, '--metrics', 'off']);
  assert.equal((await fetchRaw(`http://127.0.0.1:${s.port}/old/a`)).headers.location, `http://127.0.0.1:${s.port}/old/next`);
  write('new');
  s.child.kill('SIGHUP');
  await waitFor(() => /configuration reloaded/.test(s.stderr()));
  assert.equal((await fetchRaw(`http://127.0.0.1:${s.port}/new/a`)).headers.location, `http://127.0.0.1:${s.port}/new/next`);
  s.child.kill('SIGTERM');
  assert.equal(await s.exit, 0);
});

test('SIGTERM drains the in-flight request, then exits 0', async (t) => {
  const url = await backend(t);
  const s = await serve(t, ['--listen', '127.0.0.1:0', '--backend', url, '--httpd-conf', proxyAllHttpdConf(url), '--metrics', 'off']);
  const slow = fetchRaw(`http://127.0.0.1:${s.port}/slow`);
  await new Promise((r) => setTimeout(r, 200));
  s.child.kill('SIGTERM');
  const answer = await slow;
  assert.equal(answer.body.toString(), 'slow done', 'in-flight request completed');
  assert.equal(await s.exit, 0);
  await assert.rejects(fetchRaw(`http://127.0.0.1:${s.port}/after`), 'no longer accepting');
});

test('--workers 2 serves from a cluster and stops cleanly', async (t) => {
  const url = await backend(t);
  const s = await serve(t, ['--listen', '127.0.0.1:0', '--backend', url, '--httpd-conf', proxyAllHttpdConf(url), '--metrics', 'off', '--workers', '2']);
  for (let i = 0; i < 6; i++) assert.equal((await fetchRaw(`http://127.0.0.1:${s.port}/w${i}`)).body.toString(), `pid-agnostic /w${i}`);
  assert.equal((s.stderr().match(/listening on/g) ?? []).length, 1, 'announced once, when every worker is ready');
  s.child.kill('SIGTERM');
  assert.equal(await s.exit, 0);
});

test('--workers 2: /metrics on the primary shows the totals of every worker', async (t) => {
  const url = await backend(t);
  const s = await serve(t, ['--listen', '127.0.0.1:0', '--backend', url, '--httpd-conf', proxyAllHttpdConf(url), '--metrics', '127.0.0.1:0', '--workers', '2']);
  const metricsPort = Number(/metrics on 127\.0\.0\.1:(\d+)/.exec(s.stderr())?.[1]);
  assert.ok(metricsPort > 0, `the primary announces its metrics address: ${s.stderr()}`);
  // Fresh connections so cluster's round-robin hands requests to both workers.
  const requests = 40;
  for (let i = 0; i < requests; i++) await fetchRaw(`http://127.0.0.1:${s.port}/m${i}`, { headers: { connection: 'close' } });
  const text = (await fetchRaw(`http://127.0.0.1:${metricsPort}/metrics`)).body.toString();
  const total = [...text.matchAll(/^smoothgate_requests_total\{[^}]*\} (\d+)$/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
  assert.equal(total, requests, 'every request counted once, whichever worker answered');
  assert.match(text, /^smoothgate_workers 2$/m);
  const histogramCount = [...text.matchAll(/^smoothgate_request_duration_seconds_count\{[^}]*\} (\d+)$/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
  assert.equal(histogramCount, requests);
  assert.equal((await fetchRaw(`http://127.0.0.1:${metricsPort}/healthz`)).status, 200);
  s.child.kill('SIGTERM');
  assert.equal(await s.exit, 0);
});

test('usage and configuration errors exit 2 with file:line', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sg-serve-'));
  const config = join(dir, 'smoothgate.yaml');
  writeFileSync(config, 'listen: ["127.0.0.1:0"]\nbackned: {}\n');
  const child = spawn(process.execPath, [CLI, 'serve', '--config', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  t.after(() => child.kill('SIGKILL'));
  let text = '';
  child.stderr!.on('data', (d: Buffer) => (text += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  assert.equal(code, 2);
  assert.match(text, /smoothgate\.yaml:2: unknown key backned/);
  const bad = spawn(process.execPath, [CLI, 'serve', '--bogus'], { stdio: 'ignore' });
  assert.equal(await new Promise((resolve) => bad.once('exit', resolve)), 2);
});

test('a taken port exits 2, with one process and with a cluster (no fork loop)', async (t) => {
  const blocker = createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
  t.after(() => blocker.close());
  const port = (blocker.address() as { port: number }).port;
  for (const workers of ['1', '2']) {
    const child = spawn(process.execPath, [CLI, 'serve', '--listen', `127.0.0.1:${port}`, '--httpd-conf', proxyAllHttpdConf('http://127.0.0.1:9'), '--metrics', 'off', '--workers', workers], { stdio: ['ignore', 'ignore', 'pipe'] });
    t.after(() => child.kill('SIGKILL'));
    let text = '';
    child.stderr!.on('data', (d: Buffer) => (text += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    assert.equal(code, 2, `workers ${workers}: ${text}`);
    assert.match(text, /EADDRINUSE|failed to start/);
  }
});
