/**
 * Bodies stream through the proxy with backpressure both ways (STYLE.md §2): a 50 MB upload and a
 * 200 MB download do not grow the gateway's memory by their size; a backend that dies mid-response
 * hurts only that client; a client that goes away releases the backend request. The backend is a
 * node:http server (it must misbehave on cue); `decide` is a hand-written table.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { request } from 'undici';
import { spawn } from 'node:child_process';
import { proxyAllHttpdConf } from '../helpers/proxy-all-conf';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startGateway } from '../helpers/gateway';
import { tableDecide } from '../helpers/table-decide';
import { fetchRaw } from '../helpers/http-client';
import type { BackendSettings } from '../../src/config/smoothgate-yaml';

const MiB = 1024 * 1024;
// The built CLI, found from this compiled test file (dist/test/proxy → bin/).
const CLI = join(__dirname, '..', '..', '..', 'bin', 'smoothgate.js');

async function backend(t: TestContext, handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => {
    server.closeAllConnections();
    server.close();
  });
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

function settingsFor(url: string): { backend: BackendSettings } {
  return { backend: { url, preserveHost: true, sendOriginalUrl: true, connectTimeoutMs: 1000, headersTimeoutMs: 10_000, bodyTimeoutMs: 10_000, connections: 8 } };
}

const toBackend = tableDecide({}, () => ({ kind: 'file', path: '/x' }));

function chunks(totalBytes: number, chunkBytes = 64 * 1024): Readable {
  let sent = 0;
  const chunk = Buffer.alloc(chunkBytes, 0x61);
  return new Readable({
    read() {
      if (sent >= totalBytes) {
        this.push(null);
        return;
      }
      const n = Math.min(chunkBytes, totalBytes - sent);
      sent += n;
      this.push(n === chunkBytes ? chunk : chunk.subarray(0, n));
    },
  });
}

/** Peak and current RSS of another process, MiB (Linux /proc). */
function memoryOf(pid: number): { rssMiB: number; hwmMiB: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string): number => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rssMiB: kb('VmRSS') / 1024, hwmMiB: kb('VmHWM') / 1024 };
}

/**
 * The gateway runs as its own process (the built CLI, `serve --backend`) so its peak RSS (VmHWM) is
 * measured without the test's client and backend in it. Node frees socket buffers only at GC, and
 * V8 starts one when about 64 MiB of external memory has built up, so any Node proxy shows some
 * tens of MiB of garbage at its peak whatever the body size: the proof of streaming is that the
 * growth stays flat — 256 MiB uploaded, well under half of it seen.
 */
test('uploads stream through: 256 MiB (and 50 MiB) POSTs do not grow the gateway by their size', async (t) => {
  const url = await backend(t, (req, res) => {
    let bytes = 0;
    req.on('data', (d: Buffer) => (bytes += d.length));
    req.on('end', () => res.end(String(bytes)));
  });
  const child = spawn(process.execPath, [CLI, 'serve', '--listen', '127.0.0.1:0', '--backend', url, '--httpd-conf', proxyAllHttpdConf(url), '--metrics', 'off', '--log-level', 'info'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  t.after(() => child.kill('SIGKILL'));
  const port = await new Promise<number>((resolve, reject) => {
    let text = '';
    child.stderr!.on('data', (d: Buffer) => {
      text += d.toString();
      const m = /listening on 127\.0\.0\.1:(\d+)/.exec(text);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', () => reject(new Error(`gateway exited: ${text}`)));
  });
  const gw = `http://127.0.0.1:${port}`;
  assert.equal((await fetchRaw(`${gw}/warm`, { method: 'POST', body: 'x' })).body.toString(), '1');
  const before = memoryOf(child.pid!);
  const small = await fetchRaw(`${gw}/upload`, { method: 'POST', body: chunks(50 * MiB), headers: { 'content-length': String(50 * MiB) } });
  assert.equal(small.body.toString(), String(50 * MiB));
  const res = await fetchRaw(`${gw}/upload`, { method: 'POST', body: chunks(256 * MiB), headers: { 'content-length': String(256 * MiB) } });
  assert.equal(res.status, 200);
  assert.equal(res.body.toString(), String(256 * MiB));
  const after = memoryOf(child.pid!);
  const grewMiB = after.hwmMiB - before.rssMiB;
  assert.ok(grewMiB < 100, `peak RSS grew by ${grewMiB.toFixed(1)} MiB for 306 MiB uploaded`);
  // Chunked (no Content-Length) too.
  const chunked = await fetchRaw(`${gw}/upload`, { method: 'POST', body: chunks(5 * MiB) });
  assert.equal(chunked.body.toString(), String(5 * MiB));
});

test('a 200 MB download streams through without growing RSS by its size', async (t) => {
  const url = await backend(t, (_req, res) => {
    res.writeHead(200, { 'Content-Length': String(200 * MiB) });
    chunks(200 * MiB).pipe(res);
  });
  const gw = await startGateway(t, { settings: settingsFor(url), decide: toBackend });
  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  const res = await request(`${gw.url}/big`);
  let bytes = 0;
  for await (const chunk of res.body) bytes += (chunk as Buffer).length;
  clearInterval(sampler);
  assert.equal(bytes, 200 * MiB);
  assert.ok(peak - before < 60 * MiB, `RSS grew by ${((peak - before) / MiB).toFixed(1)} MiB`);
});

test('a backend dying mid-response cuts that client only', async (t) => {
  const url = await backend(t, (req, res) => {
    if (req.url === '/dies') {
      res.writeHead(200, { 'Content-Length': String(10 * MiB) });
      res.write(Buffer.alloc(MiB));
      setTimeout(() => res.socket?.destroy(), 50);
      return;
    }
    setTimeout(() => res.end('fine'), 100);
  });
  const gw = await startGateway(t, { settings: settingsFor(url), decide: toBackend });
  const healthy = fetchRaw(`${gw.url}/ok`);
  const dying = (async () => {
    const res = await request(`${gw.url}/dies`);
    let bytes = 0;
    for await (const chunk of res.body) bytes += (chunk as Buffer).length;
    return bytes;
  })();
  await assert.rejects(dying, 'the cut client sees an error, not a short body taken as whole');
  const ok = await healthy;
  assert.equal(ok.body.toString(), 'fine');
  assert.equal((await fetchRaw(`${gw.url}/after`)).body.toString(), 'fine', 'the gateway lives on');
});

test('a client that goes away releases the backend request', async (t) => {
  let backendClosed: () => void;
  const closed = new Promise<void>((r) => (backendClosed = r));
  const url = await backend(t, (_req, res) => {
    res.writeHead(200);
    const timer = setInterval(() => res.write(Buffer.alloc(16 * 1024)), 5);
    res.on('close', () => {
      clearInterval(timer);
      backendClosed();
    });
  });
  const gw = await startGateway(t, { settings: settingsFor(url), decide: toBackend });
  const res = await request(`${gw.url}/endless`);
  let got = 0;
  for await (const chunk of res.body) {
    got += (chunk as Buffer).length;
    if (got > 100 * 1024) break; // leaving the loop destroys the client's connection
  }
  const timeout = new Promise((_, reject) => setTimeout(() => reject(new Error('backend request still open')), 3000));
  await Promise.race([closed, timeout]);
});
