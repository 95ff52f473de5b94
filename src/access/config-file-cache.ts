/**
 * Password and group files read at request time (mod_authn_file, mod_authz_groupfile open them on
 * every request). We read them through the routing core's FsView (whose production form caches by
 * path and mtime) and keep the parsed form per path while the text is unchanged, so an edited file
 * is picked up on the next request without a reload, and an unchanged one is not parsed again.
 */
import type { FsView } from '../routing/fs-view';

interface Entry<T> {
  readonly text: string;
  readonly value: T;
}

export type ReadOutcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: 'missing' | 'unreadable' };

export class ParsedFileCache<T> {
  private readonly entries = new Map<string, Entry<T>>();

  constructor(private readonly parse: (binaryText: string) => T, private readonly maxEntries = 256) {}

  read(fs: FsView, path: string): ReadOutcome<T> {
    const text = fs.readText(path);
    if (text === null) return { ok: false, reason: 'missing' };
    if (text === 'unreadable') return { ok: false, reason: 'unreadable' };
    const cached = this.entries.get(path);
    if (cached && cached.text === text) return { ok: true, value: cached.value };
    // The FsView returns file contents as a binary string (one char per byte), like header values.
    const value = this.parse(text);
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(path, { text, value });
    return { ok: true, value };
  }
}

/**
 * ap_cfg_getline's view of a file: lines with leading and trailing white space removed; callers skip
 * empty lines and lines starting with '#'. Lines longer than MAX_STRING_LEN (8192) are cut as
 * Apache's fixed buffer cuts them.
 */
export function configLines(text: string): string[] {
  return text.split('\n').map((l) => l.slice(0, 8191).replace(/^[ \t\r\f\v]+|[ \t\r\f\v]+$/g, ''));
}
