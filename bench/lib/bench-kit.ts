/**
 * What the benchmarks share (not run by CI): command-line options, medians, a port probe, wrk runs,
 * a slow HTTP reader, and an nginx instance of our own on 127.0.0.1 with a temporary configuration.
 * Every load loop is bounded by its caller; servers listen on loopback only.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** `--name value` from the command line, else `fallback`. */
export function benchOption(name: string, fallback: number): number {
  const args = process.argv.slice(2);
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
}

export function median(values: readonly number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
}

export function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export async function waitForPort(port: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await canConnect(port)) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`port ${port} never opened`);
}

/** Requests/s of one wrk run (2 threads); a non-2xx/3xx answer fails the bench. */
export function wrkRequestsPerSec(port: number, path: string, connections: number, seconds: number): number {
  const out = execFileSync('wrk', ['-t', '2', '-c', String(connections), '-d', `${seconds}s`, `http://127.0.0.1:${port}${path}`]).toString();
  const errors = /Non-2xx or 3xx responses: (\d+)/.exec(out);
  if (errors) throw new Error(`wrk ${path}: ${errors[1]} non-2xx`);
  const match = /Requests\/sec:\s+([\d.]+)/.exec(out);
  return match ? Number(match[1]) : NaN;
}

/** Sends GET path and then reads `bytesPerTick` every `tickMs` (pausing the socket in between). */
export function slowReader(port: number, path: string, bytesPerTick: number, tickMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.setNoDelay(true);
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
      let budget = bytesPerTick;
      socket.on('data', (chunk: Buffer) => {
        budget -= chunk.length;
        if (budget <= 0) socket.pause();
      });
      const timer = setInterval(() => {
        budget = bytesPerTick;
        socket.resume();
      }, tickMs);
      socket.once('close', () => clearInterval(timer));
      socket.on('error', () => clearInterval(timer));
      resolve(socket);
    });
  });
}

export interface NginxInstance {
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Debian's nginx (one worker, sendfile) on 127.0.0.1:port with `httpBlock` (types and server
 * directives) inside the `http {}` block of a temporary configuration.
 */
export async function startNginx(port: number, httpBlock: string): Promise<NginxInstance> {
  const dir = mkdtempSync(join(tmpdir(), 'sg-bench-nginx-'));
  mkdirSync(join(dir, 'tmp'));
  writeFileSync(
    join(dir, 'nginx.conf'),
    `worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
user root;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  client_body_temp_path ${dir}/tmp/body; proxy_temp_path ${dir}/tmp/proxy; fastcgi_temp_path ${dir}/tmp/fcgi;
  uwsgi_temp_path ${dir}/tmp/uwsgi; scgi_temp_path ${dir}/tmp/scgi;
${httpBlock}
}
`,
  );
  const child = spawn('/usr/sbin/nginx', ['-p', dir, '-c', join(dir, 'nginx.conf')], { stdio: 'ignore' });
  await waitForPort(port);
  return {
    child,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
