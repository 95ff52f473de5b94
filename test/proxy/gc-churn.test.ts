/**
 * A busy large-body proxy must not push V8 into back-to-back full collections (src/server/
 * gc-tuning.ts): 400 MiB of 1 MiB answers relayed by `smoothgate serve` cost at most a few major
 * collections, read from the gateway's own `smoothgate_gc_collections_total{kind="major"}`. Started
 * with a growing factor of 2 (`node --heap-growing-percent=100`, about what V8 picks by itself for
 * this heap; the gateway leaves an operator's setting alone) the same run showed 15–16 major
 * collections here; with ours, 1.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { proxyAllHttpdConf } from '../helpers/proxy-all-conf';
import { fetchRaw } from '../helpers/http-client';

const MiB = 1024 * 1024;
const CLI = join(__dirname, '..', '..', '..', 'bin', 'smoothgate.js');

async function oneMiBBackend(t: TestContext): Promise<string> {
  const body = Buffer.alloc(MiB, 7);
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Length': String(MiB), 'Content-Type': 'application/octet-stream' });
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => {
    server.closeAllConnections();
    server.close();
  });
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

async function serveWithMetrics(t: TestContext, nodeArgs: string[], url: string): Promise<{ port: number; metricsPort: number }> {
  const child = spawn(process.execPath, [...nodeArgs, CLI, 'serve', '--listen', '127.0.0.1:0', '--backend', url, '--httpd-conf', proxyAllHttpdConf(url), '--metrics', '127.0.0.1:0', '--log-level', 'info'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  t.after(() => child.kill('SIGKILL'));
  let text = '';
  return new Promise((resolve, reject) => {
    child.stderr!.on('data', (d: Buffer) => {
      text += d.toString();
      const listening = /listening on 127\.0\.0\.1:(\d+)/.exec(text);
      const metrics = /metrics on 127\.0\.0\.1:(\d+)/.exec(text);
      if (listening && metrics) resolve({ port: Number(listening[1]), metricsPort: Number(metrics[1]) });
    });
    child.once('exit', () => reject(new Error(`gateway exited: ${text}`)));
  });
}

async function majorCollections(metricsPort: number): Promise<number> {
  const text = (await fetchRaw(`http://127.0.0.1:${metricsPort}/metrics`)).body.toString();
  return Number(/^smoothgate_gc_collections_total\{kind="major"\} (\d+)$/m.exec(text)?.[1] ?? 0);
}

/** `total` GETs of `url`, `concurrency` at a time, each body read to its end. */
async function relay(url: string, total: number, concurrency: number): Promise<void> {
  const dispatcher = new Agent({ connections: concurrency });
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < total) {
      next++;
      const res = await request(url, { dispatcher });
      let bytes = 0;
      for await (const chunk of res.body) bytes += (chunk as Buffer).length;
      assert.equal(bytes, MiB);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  await dispatcher.close();
}

test('400 MiB of 1 MiB answers through the proxy cost at most a few major collections', async (t) => {
  const url = await oneMiBBackend(t);
  const gw = await serveWithMetrics(t, [], url);
  await relay(`http://127.0.0.1:${gw.port}/warm.bin`, 40, 8);
  const before = await majorCollections(gw.metricsPort);
  await relay(`http://127.0.0.1:${gw.port}/file.bin`, 400, 8);
  const majors = (await majorCollections(gw.metricsPort)) - before;
  t.diagnostic(`major collections during 400 MiB: ${majors}`);
  assert.ok(majors <= 4, `${majors} major collections while relaying 400 MiB`);
});
