/**
 * The routing core's only window on the file system (STYLE.md §1): injected, so the core stays pure.
 * Production wraps node:fs behind a path+mtime cache; tests use a temp dir through the same
 * implementation. Every method takes an absolute path and never throws for a missing file.
 */

export type FileKind = 'file' | 'directory' | 'symlink' | 'other';

export interface FileInfo {
  readonly kind: FileKind;
  readonly sizeBytes: number;
  readonly mtimeMs: number;
  readonly ino: number;
  readonly uid: number;
  /** Permission bits (mode & 0o7777). */
  readonly mode: number;
}

export interface FsView {
  /** stat(2): follows symlinks; null when missing (ENOENT/ENOTDIR) or unreadable. */
  stat(path: string): FileInfo | null;
  /** lstat(2): does not follow the last component; kind 'symlink' for a link. */
  lstat(path: string): FileInfo | null;
  /** Text of a small file (.htaccess, RewriteMap txt:), null when missing; 'unreadable' on EACCES. */
  readText(path: string): string | null | 'unreadable';
  /**
   * Optional: a cache for values computed only from this view's answers (and immutable
   * configuration). A view that caches its answers for a while (CachingFsView) keeps each value as
   * long as every answer read while computing it stays cached, so the value is exactly what a fresh
   * computation would give. Views without it answer afresh on every call: nothing may be cached.
   */
  derivedCache?<T>(): DerivedCache<T>;
}

export interface DerivedCache<T> {
  /** The value under `key`, computed by `compute` (through this view) when absent or stale. */
  get(key: string, compute: () => T): T;
}
