/**
 * What every reliability suite reports (issue 6 "Done when"): cases tried, statuses seen, crashes,
 * hangs, leaks, RSS at start and end, p99 latency. Each suite writes its tally as JSON into the
 * report folder; `scripts/run-tests.js reliability` prints one table from them after the run and
 * fails when a tally holds a violation the test itself missed.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const REPORT_DIR = process.env.SMOOTHGATE_RELIABILITY_REPORT ?? join(__dirname, '..', '.report');

export class Tally {
  cases = 0;
  readonly statuses: Record<string, number> = {};
  crashes = 0;
  hangs = 0;
  leaks = 0;
  /** Anything else that broke the contract (a wrong status, a file outside the roots…), described. */
  readonly violations: string[] = [];
  rssStartBytes: number | null = null;
  rssEndBytes: number | null = null;
  fdStart: number | null = null;
  fdEnd: number | null = null;
  p99Ms: number | null = null;
  /** Free-form figures worth printing (e.g. requests/s of the load run). */
  readonly notes: string[] = [];

  constructor(readonly suite: string) {}

  /** One case tried, answered with `status` (null = no answer: closed connection). */
  saw(status: number | null): void {
    this.cases++;
    const key = status === null ? 'closed' : String(status);
    this.statuses[key] = (this.statuses[key] ?? 0) + 1;
  }

  hang(detail: string): void { this.hangs++; this.violations.push(`hang: ${detail}`); }
  crash(detail: string): void { this.crashes++; this.violations.push(`crash: ${detail}`); }
  leak(detail: string): void { this.leaks++; this.violations.push(`leak: ${detail}`); }
  violation(detail: string): void { this.violations.push(detail); }

  /** Writes the tally for the closing table; call in `after()` even when the test failed. */
  write(): void {
    mkdirSync(REPORT_DIR, { recursive: true });
    writeFileSync(join(REPORT_DIR, `${this.suite}.json`), JSON.stringify(this, null, 2));
  }
}

/** The p-th percentile (0–100) of a list of latencies in ms. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Seconds the load/soak parts run: `npm run test:reliability -- --soak=300` sets it (default short for CI). */
export function soakSeconds(defaultSeconds: number): number {
  const v = Number(process.env.SMOOTHGATE_SOAK_SECONDS);
  return Number.isFinite(v) && v > 0 ? v : defaultSeconds;
}
