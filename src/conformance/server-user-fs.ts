/**
 * The oracle starts Apache as root and Apache drops to `www-data` (shared/tools/rewrite-oracle
 * README), so a case file written with a mode that withholds "other" read permission (`"mode":
 * "0600"`) cannot be opened by it: an unreadable AuthUserFile is a 500, an unreadable .htaccess a
 * 403. When `conformance` itself runs as root it would read such files; this FsView makes it see
 * what the unprivileged server user sees (files are owned by root, so only the "other" bits count).
 */
import type { FileInfo, FsView } from '../routing/fs-view';

export class ServerUserFsView implements FsView {
  constructor(private readonly inner: FsView) {}

  stat(path: string): FileInfo | null {
    return this.inner.stat(path);
  }

  lstat(path: string): FileInfo | null {
    return this.inner.lstat(path);
  }

  readText(path: string): string | null | 'unreadable' {
    const info = this.inner.stat(path);
    if (info !== null && info.kind === 'file' && (info.mode & 0o004) === 0) return 'unreadable';
    return this.inner.readText(path);
  }
}

/** The FsView a conformance run should use: the server user's view when we run as root. */
export function conformanceFsView(inner: FsView): FsView {
  return typeof process.getuid === 'function' && process.getuid() === 0 ? new ServerUserFsView(inner) : inner;
}
