/**
 * FsView over node:fs (an edge, STYLE.md §1). Paths arrive as binary strings (one char per byte, as
 * the routing core keeps them) and reach the kernel as latin1 Buffers, so a file name with UTF-8
 * bytes round-trips exactly. Errors never escape: a missing or unreadable path is null.
 */
import { lstatSync, readFileSync, statSync } from 'node:fs';
import type { Stats } from 'node:fs';
import type { FileInfo, FileKind, FsView } from '../routing/fs-view';

function toFsPath(path: string): Buffer | string {
  // eslint-disable-next-line no-control-regex
  return /^[\x00-\x7f]*$/.test(path) ? path : Buffer.from(path, 'latin1');
}

function kindOf(s: Stats): FileKind {
  if (s.isSymbolicLink()) return 'symlink';
  if (s.isFile()) return 'file';
  if (s.isDirectory()) return 'directory';
  return 'other';
}

function info(s: Stats): FileInfo {
  return { kind: kindOf(s), sizeBytes: s.size, mtimeMs: s.mtimeMs, ino: s.ino, uid: s.uid, mode: s.mode & 0o7777 };
}

export class NodeFsView implements FsView {
  stat(path: string): FileInfo | null {
    if (path.includes('\0')) return null;
    try {
      return info(statSync(toFsPath(path)));
    } catch {
      return null;
    }
  }

  lstat(path: string): FileInfo | null {
    if (path.includes('\0')) return null;
    try {
      return info(lstatSync(toFsPath(path)));
    } catch {
      return null;
    }
  }

  readText(path: string): string | null | 'unreadable' {
    if (path.includes('\0')) return null;
    try {
      return readFileSync(toFsPath(path), 'latin1');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return null;
      if (code === 'EISDIR') return 'unreadable';
      return 'unreadable';
    }
  }
}
