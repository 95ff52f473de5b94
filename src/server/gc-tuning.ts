/**
 * V8 heap tuning for a serving process (each worker, or the one process of `--workers 1`).
 *
 * Why: a proxied or streamed body passes through node as one fresh ArrayBuffer per socket read
 * (64 KiB each; node allocates the read buffer anew for every read), about a gigabyte a second on
 * a busy 1 MiB proxy. The gateway's own heap is small (about 15 MB), and with V8's default
 * growing factor for a small heap (about 2×) the old generation's slack above its live size is no
 * larger than the young generation's capacity (16 MiB). V8 then starts incremental marking again
 * right after each mark-compact ("Start (allocation limit)" in `--trace-incremental-marking`), and
 * the read-buffer churn drives that into 10–15 full mark-compacts a second. Measured on
 * bench/proxy's 1 MiB case (same machine, same run): 55–84 mark-compacts per 5 s and 435–545 req/s
 * with the default; 0–1 and 550–800 req/s with a growing factor of 4, while the 2.7 KB page and
 * the resident size did not move (bench/README.md, "Proxy").
 *
 * The factor 4 (`--heap-growing-percent=300`) is V8's own ceiling for the heap growing factor
 * (`kMaxHeapGrowingFactor` in heap/memory-controller, which V8 picks by itself when collection is
 * cheap and memory plentiful), so this asks for nothing V8 would not choose on its own; the flag
 * is read anew whenever V8 sets the next allocation limit, so setting it at start-up takes effect.
 * An operator who starts node with their own `--heap-growing-percent` keeps it.
 */
import { setFlagsFromString } from 'node:v8';

export const SERVER_HEAP_GROWING_PERCENT = 300;

export function applyServerGcTuning(execArgv: readonly string[] = process.execArgv): boolean {
  if (execArgv.some((arg) => /^--heap[-_]growing[-_]percent\b/.test(arg))) return false;
  setFlagsFromString(`--heap-growing-percent=${SERVER_HEAP_GROWING_PERCENT}`);
  return true;
}
