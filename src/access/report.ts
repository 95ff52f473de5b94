/**
 * What `smoothgate check` reports about access control (INTERFACE.md §2, §9): every scope whose
 * access control we cannot evaluate, with the directive, file:line and the section it stands in.
 * Requests in those scopes are answered 500 (the routing core reads core's `failClosed`).
 */
import type { ConfigNote, LoadedConfig } from '../config/module';

export function failClosedNotes(config: LoadedConfig): ConfigNote[] {
  return (config.notes ?? []).filter((n) => n.kind === 'failClosed');
}
