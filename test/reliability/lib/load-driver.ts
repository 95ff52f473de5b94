/**
 * The load the soak and reload suites put on `smoothgate serve` (issue 6 "Load and soak"): a
 * closed-loop burst to find the peak, then an open-loop run at a fixed rate.
 *
 * Why our own client and not wrk: wrk has no rate limit, so "70% of peak" with wrk means guessing a
 * connection count, and a closed-loop client slows down with the server it measures — a stall hides
 * as fewer requests instead of as latency (coordinated omission). Here requests are issued on a
 * schedule whatever the answers do, latency counts from the scheduled moment, and every answer is
 * checked (status, full length, a caller's rule), which wrk cannot do per request. The client shares
 * the two cores with the gateway; the peak is measured with that same client, so 70% of it is a
 * rate this machine sustains with the client included. Every loop is bounded in count and time.
 */
import { Agent, request, type IncomingMessage } from 'node:http';

export interface LoadRequest {
  readonly path: string;
  /** What kind of request (manifest, fragment, …): figures are reported per label. */
  readonly label: string;
}

/** The first bytes of a body kept for checks (the rest is only counted). */
const KEPT_BODY_BYTES = 256;

export interface Answer {
  readonly status: number;
  readonly bodyBytes: number;
  readonly bodyStart: string;
}

/** A caller's rule for one answer: null when fine, else what is wrong. */
export type AnswerCheck = (req: LoadRequest, answer: Answer) => string | null;

export interface LoadResult {
  readonly sent: number;
  readonly completed: number;
  /** Errors described: connection errors, timeouts, short bodies, failed checks. */
  readonly errors: string[];
  readonly latenciesMs: number[];
  readonly statuses: Record<string, number>;
  readonly elapsedMs: number;
}

export interface LoadClient {
  readonly agent: Agent;
  close(): void;
}

/** Keep-alive connections, at most `maxSockets` at once (the agent queues the rest). */
export function loadClient(maxSockets: number): LoadClient {
  const agent = new Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
  return { agent, close: () => agent.destroy() };
}

/** One GET read to its end; resolves the answer or throws a description. */
function get(agent: Agent, port: number, path: string, timeoutMs: number): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent, timeout: timeoutMs }, (res: IncomingMessage) => {
      let bodyBytes = 0;
      const kept: Buffer[] = [];
      let keptBytes = 0;
      res.on('data', (d: Buffer) => {
        bodyBytes += d.length;
        if (keptBytes < KEPT_BODY_BYTES) {
          kept.push(d.subarray(0, KEPT_BODY_BYTES - keptBytes));
          keptBytes += Math.min(d.length, KEPT_BODY_BYTES - keptBytes);
        }
      });
      res.on('end', () => {
        const length = res.headers['content-length'];
        if (length !== undefined && Number(length) !== bodyBytes) reject(new Error(`body ${bodyBytes} of ${length} bytes`));
        else resolve({ status: res.statusCode ?? 0, bodyBytes, bodyStart: Buffer.concat(kept).toString('latin1') });
      });
      res.on('aborted', () => reject(new Error('response aborted')));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no complete answer in ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

class Recorder {
  sent = 0;
  completed = 0;
  readonly errors: string[] = [];
  readonly latenciesMs: number[] = [];
  readonly statuses: Record<string, number> = {};

  async one(agent: Agent, port: number, req: LoadRequest, check: AnswerCheck, scheduledAt: number, timeoutMs: number): Promise<void> {
    this.sent++;
    try {
      const answer = await get(agent, port, req.path, timeoutMs);
      this.latenciesMs.push(performance.now() - scheduledAt);
      this.statuses[answer.status] = (this.statuses[answer.status] ?? 0) + 1;
      const wrong = check(req, answer);
      if (wrong) this.error(`${req.path}: ${wrong}`);
      else this.completed++;
    } catch (err) {
      this.statuses.error = (this.statuses.error ?? 0) + 1;
      this.error(`${req.path}: ${(err as Error).message}`);
    }
  }

  private error(text: string): void {
    // Keep the list bounded: the count matters, a sample tells why.
    if (this.errors.length < 1000) this.errors.push(text);
    else this.errors[999] = `… and more (last: ${text})`;
  }

  result(elapsedMs: number): LoadResult {
    return { sent: this.sent, completed: this.completed, errors: this.errors, latenciesMs: this.latenciesMs, statuses: this.statuses, elapsedMs };
  }
}

/** Requests/s a closed loop of `connections` sustains for `seconds` (each sends the next on an answer). */
export async function measurePeak(port: number, mix: readonly LoadRequest[], check: AnswerCheck, options: { connections: number; seconds: number; timeoutMs?: number }): Promise<{ ratePerSec: number; result: LoadResult }> {
  const client = loadClient(options.connections);
  const recorder = new Recorder();
  const started = performance.now();
  const endAt = started + options.seconds * 1000;
  let next = 0;
  const loop = async (): Promise<void> => {
    while (performance.now() < endAt) {
      const req = mix[next++ % mix.length]!;
      await recorder.one(client.agent, port, req, check, performance.now(), options.timeoutMs ?? 10_000);
    }
  };
  await Promise.all(Array.from({ length: options.connections }, loop));
  const elapsedMs = performance.now() - started;
  client.close();
  return { ratePerSec: (recorder.completed * 1000) / elapsedMs, result: recorder.result(elapsedMs) };
}

export interface OpenLoopOptions {
  readonly ratePerSec: number;
  readonly seconds: number;
  /** Connections the client may open (requests beyond wait in the agent's queue, their wait counted). */
  readonly maxSockets: number;
  readonly timeoutMs?: number;
  /** Called every few milliseconds with the time into the run (RSS samples, edits, signals). */
  readonly onTick?: (elapsedMs: number) => void;
}

/**
 * Issues `mix` round-robin at `ratePerSec` for `seconds` regardless of how fast answers come, then
 * waits for the stragglers (each bounded by `timeoutMs`).
 */
export async function runOpenLoop(port: number, mix: readonly LoadRequest[], check: AnswerCheck, options: OpenLoopOptions): Promise<LoadResult> {
  const client = loadClient(options.maxSockets);
  const recorder = new Recorder();
  const intervalMs = 1000 / options.ratePerSec;
  const total = Math.ceil(options.ratePerSec * options.seconds);
  const timeoutMs = options.timeoutMs ?? 15_000;
  const inFlight = new Set<Promise<void>>();
  const started = performance.now();
  let issued = 0;
  while (issued < total) {
    const now = performance.now();
    // Hard stop a little after the planned end, whatever the timers did.
    if (now - started > options.seconds * 1000 + 5_000) break;
    const due = Math.min(total, Math.floor((now - started) / intervalMs) + 1);
    for (; issued < due; issued++) {
      const p = recorder.one(client.agent, port, mix[issued % mix.length]!, check, started + issued * intervalMs, timeoutMs);
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
    }
    options.onTick?.(now - started);
    await new Promise((r) => setTimeout(r, 5));
  }
  await Promise.all(inFlight);
  const elapsedMs = performance.now() - started;
  client.close();
  return recorder.result(elapsedMs);
}
