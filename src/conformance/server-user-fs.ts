/**
 * The oracle starts Apache as root and Apache drops to `www-data` (shared/tools/rewrite-oracle
 * README), so a case file written with a mode that withholds "other" read permission (`"mode":
 * "0600"`) cannot be opened by it: an unreadable AuthUserFile is a 500, an unreadable .htaccess a
 * 403. The corpora's `expected` values come from such a run, so `conformance` sees the case files
 * as that unprivileged user does, whoever runs it: the files belong to the runner, so only the
 * "other" permission bits count.
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

/** The FsView a conformance run uses: the oracle's server user's view of the case files. */
export function conformanceFsView(inner: FsView): FsView {
  return new ServerUserFsView(inner);
}
