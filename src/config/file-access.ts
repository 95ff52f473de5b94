/**
 * The only file-system access of the config reader (STYLE.md: the loader is an edge). Sync on
 * purpose: configuration is read once at start and on reload.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';

export type PathKind = 'file' | 'directory' | 'other' | 'missing';

export interface DirEntry {
  readonly name: string;
  /** d_type says directory (a symlink to a directory is not one, as apr_dir_read reports it). */
  readonly isDirectory: boolean;
}

export interface ConfigFs {
  readText(path: string): string;
  kind(path: string): PathKind;
  readDir(path: string): DirEntry[];
}

export const nodeConfigFs: ConfigFs = {
  readText: (path) => readFileSync(path, 'utf8'),
  kind: (path) => {
    try {
      const st = statSync(path);
      return st.isDirectory() ? 'directory' : st.isFile() ? 'file' : 'other';
    } catch {
      return 'missing';
    }
  },
  readDir: (path) => readdirSync(path, { withFileTypes: true }).map((d) => ({ name: d.name, isDirectory: d.isDirectory() })),
};

/** strerror text for the errno codes a config read meets (apr's %pm). */
export function describeFsError(err: unknown): string {
  const code = (err as { code?: string } | null)?.code;
  switch (code) {
    case 'ENOENT':
      return 'No such file or directory';
    case 'EACCES':
      return 'Permission denied';
    case 'EISDIR':
      return 'Is a directory';
    case 'ENOTDIR':
      return 'Not a directory';
    case 'ELOOP':
      return 'Too many levels of symbolic links';
    default:
      return err instanceof Error ? err.message : String(err);
  }
}
