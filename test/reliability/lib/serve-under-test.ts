/**
 * The process the reliability suite attacks: a real `smoothgate serve` child on 127.0.0.1 (port 0),
 * watched from outside the way an operator would watch it — is it alive, how many descriptors and
 * how much memory does it hold (/proc), and what did it log (pino JSON on stderr, access log on
 * stdout). An exit the test did not ask for is a crash and fails the suite.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';

export const PROJECT_ROOT = join(__dirname, '..', '..', '..', '..');
const CLI = join(PROJECT_ROOT, 'bin', 'smoothgate.js');

export interface ServeOptions {
  /** Arguments after `serve` (e.g. `--config`, `--httpd-conf`, `--backend`); listen/metrics are added. */
  readonly args: readonly string[];
  readonly cwd?: string;
  /** `--log-level`: info (the default) or lower — readiness is the `listening on` line, logged at info; every rejected request's reason is logged at info or above. */
  readonly logLevel?: 'trace' | 'debug' | 'info';
  readonly env?: NodeJS.ProcessEnv;
}

export class ServeUnderTest {
  private stderrText = '';
  private stdoutText = '';
  private expectedExit = false;
  /** Set when the process exited without the test asking it to (a crash). */
  unexpectedExit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  port = 0;

  constructor(private readonly child: ChildProcess) {
    child.stderr!.on('data', (d: Buffer) => (this.stderrText += d.toString()));
    child.stdout!.on('data', (d: Buffer) => {
      // Access logs can be long under load: keep the tail only.
      this.stdoutText += d.toString();
      if (this.stdoutText.length > 4_000_000) this.stdoutText = this.stdoutText.slice(-2_000_000);
    });
    child.once('exit', (code, signal) => {
      if (!this.expectedExit) this.unexpectedExit = { code, signal };
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** True while the process runs. */
  alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Throws (naming the last log lines) when the process is gone: a crash. */
  assertAlive(when: string): void {
    if (!this.alive()) throw new Error(`smoothgate serve died ${when}: ${JSON.stringify(this.unexpectedExit)}\n${this.stderrText.slice(-3000)}`);
  }

  /** Open file descriptors of the process (sockets, files, pipes). */
  fdCount(): number {
    return readdirSync(`/proc/${this.pid}/fd`).length;
  }

  /** Resident set size in bytes. */
  rssBytes(): number {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${this.pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  }

  /**
   * CPU time the process has used, in ms (utime + stime of /proc/PID/stat, in clock ticks of
   * 10 ms on Linux). Unlike wall-clock latency it does not grow when the machine is busy with
   * other work, so it bounds the cost of a request on a shared CI machine.
   */
  cpuMs(): number {
    const stat = readFileSync(`/proc/${this.pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  }

  /** Every pino line logged so far, parsed (non-JSON lines skipped). */
  events(): Array<Record<string, unknown>> {
    const out: Array<Record<string, unknown>> = [];
    for (const line of this.stderrText.split('\n')) {
      if (!line.startsWith('{')) continue;
      try { out.push(JSON.parse(line)); } catch { /* a line cut by the buffer */ }
    }
    return out;
  }

  stderr(): string { return this.stderrText; }
  stdout(): string { return this.stdoutText; }

  /** Length of the event log now: pass to `eventsSince` to see what one request logged. */
  mark(): number { return this.stderrText.length; }
  eventsSince(mark: number): Array<Record<string, unknown>> {
    const out: Array<Record<string, unknown>> = [];
    for (const line of this.stderrText.slice(mark).split('\n')) {
      if (!line.startsWith('{')) continue;
      try { out.push(JSON.parse(line)); } catch { /* partial */ }
    }
    return out;
  }

  signal(sig: NodeJS.Signals): void { this.child.kill(sig); }

  /** Stops the process on purpose (not counted as a crash). */
  async stop(): Promise<void> {
    this.expectedExit = true;
    if (!this.alive()) return;
    const exited = new Promise<void>((r) => this.child.once('exit', () => r()));
    this.child.kill('SIGKILL');
    await exited;
  }
}

/**
 * Starts `smoothgate serve` and resolves once it logged `listening on 127.0.0.1:PORT` (INTERFACE §2).
 * The process is stopped when the test ends; if it died on its own before that, the test fails.
 */
export async function startServeUnderTest(t: TestContext, options: ServeOptions): Promise<ServeUnderTest> {
  const child = spawn(process.execPath, [CLI, 'serve', ...options.args, '--listen', '127.0.0.1:0', '--metrics', 'off', '--log-level', options.logLevel ?? 'info'], {
    cwd: options.cwd ?? PROJECT_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...options.env },
  });
  const serve = new ServeUnderTest(child);
  t.after(async () => {
    const crashed = serve.unexpectedExit;
    await serve.stop();
    if (crashed) throw new Error(`smoothgate serve crashed during the test: ${JSON.stringify(crashed)}\n${serve.stderr().slice(-3000)}`);
  });
  serve.port = await new Promise<number>((resolve, reject) => {
    // Bounded: `listening on` is logged at info, so a logLevel above info would otherwise wait forever.
    const deadline = Date.now() + 30_000;
    const timer = setInterval(() => {
      const m = /listening on 127\.0\.0\.1:(\d+)/.exec(serve.stderr());
      if (m) { clearInterval(timer); resolve(Number(m[1])); }
      else if (Date.now() > deadline) { clearInterval(timer); reject(new Error(`no 'listening on' line in 30 s (log level ${options.logLevel ?? 'info'}): ${serve.stderr().slice(-2000)}`)); }
    }, 20);
    child.once('exit', (code) => { clearInterval(timer); reject(new Error(`serve exited ${code} before listening: ${serve.stderr()}`)); });
  });
  return serve;
}
