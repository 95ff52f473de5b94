/**
 * Leak check for descriptors: after the clients have gone, a server's sockets close a little later
 * (FIN handshakes, keep-alive timers), so the count is polled until it is back near where it started.
 */
import type { ServeUnderTest } from './serve-under-test';

/** Slack for descriptors the runtime opens lazily (a log file, an fs watcher, the DNS resolver). */
export const FD_SLACK = 3;

/**
 * Polls the fd count until it is at most `start + FD_SLACK` or `withinMs` passed; resolves with the
 * last count seen, which the caller compares (and records in its tally).
 */
export async function settledFdCount(serve: ServeUnderTest, start: number, withinMs = 3000): Promise<number> {
  const deadline = Date.now() + withinMs;
  let count = serve.fdCount();
  while (count > start + FD_SLACK && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    count = serve.fdCount();
  }
  return count;
}
