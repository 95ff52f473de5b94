/**
 * Descriptor counts of the process under test once its sockets have settled. Closed connections
 * leave the fd table a little after the peer's FIN, and pooled keep-alive connections to a backend
 * are dropped only when their idle timeout fires, so a leak is "above the baseline after every
 * timeout had its chance", never a single sample.
 */
import type { ServeUnderTest } from './serve-under-test';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The fd count once it stayed the same for `quietMs` (bounded by `timeoutMs`). */
export async function quietFdCount(serve: ServeUnderTest, quietMs = 500, timeoutMs = 5000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let last = serve.fdCount();
  let since = Date.now();
  while (Date.now() < deadline) {
    await sleep(100);
    const now = serve.fdCount();
    if (now !== last) {
      last = now;
      since = Date.now();
    } else if (Date.now() - since >= quietMs) break;
  }
  return last;
}

/** Waits until the fd count is at most `baseline` (bounded); returns the last count seen. */
export async function fdsBackTo(serve: ServeUnderTest, baseline: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let now = serve.fdCount();
  while (now > baseline && Date.now() < deadline) {
    await sleep(200);
    now = serve.fdCount();
  }
  return now;
}
