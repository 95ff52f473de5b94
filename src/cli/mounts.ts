/**
 * The in-process handlers and the static-file sender `serve` mounts (INTERFACE.md §4 routing table).
 * Placeholder until the MP4 branch lands: no handler is mounted, and the gateway's own minimal
 * sender serves static files.
 */
import type { RuntimeMounts } from './runtime';

export async function defaultMounts(): Promise<RuntimeMounts> {
  return {};
}
