/**
 * Include / IncludeOptional file expansion (httpd server/config.c ap_process_fnmatch_configs,
 * server/util.c ap_dir_nofnmatch and ap_dir_fnmatch; SPEC-NOTES §4.1.6): a directory is read
 * recursively, every entry (dotfiles too), byte-order sorted; wildcards may stand in any component,
 * matched with fnmatch + PERIOD; components before the last match directories only.
 */
import { describeFsError, type ConfigFs } from './file-access';
import { fnmatch, fnmatchTest } from './fnmatch';

const PREFIX = 'Include/IncludeOptional: ';
/** AP_MAX_FNMATCH_DIR_DEPTH */
const MAX_DIR_DEPTH = 128;

/** Thrown for a failed expansion; the caller turns it into an SgError at the Include line. */
export class IncludeFailure {
  constructor(readonly message: string) {}
}

/** fname_alphasort: strcmp of the full paths (byte order; UTF-16 order equals it for ASCII). */
function byteOrder(a: string, b: string): number {
  const ba = Buffer.from(a);
  const bb = Buffer.from(b);
  return Buffer.compare(ba, bb);
}

function joinPath(dir: string, name: string): string {
  return dir.endsWith('/') ? `${dir}${name}` : `${dir}/${name}`;
}

/** The files an Include names, in the order Apache reads them; `onFile` may throw. */
export function expandInclude(fs: ConfigFs, path: string, optional: boolean, onFile: (file: string) => void): void {
  if (!fnmatchTest(path)) {
    dirNoFnmatch(fs, path, optional, 0, onFile);
    return;
  }
  // apr_filepath_root: the root of an absolute path is '/', the rest is walked component-wise.
  if (!path.startsWith('/')) throw new IncludeFailure(`Include must have an absolute path, ${path}`);
  dirFnmatch(fs, '/', path.replace(/^\/+/, ''), optional, onFile);
}

function dirNoFnmatch(fs: ConfigFs, path: string, optional: boolean, depth: number, onFile: (file: string) => void): void {
  const kind = fs.kind(path);
  if (kind === 'directory') {
    if (depth >= MAX_DIR_DEPTH) {
      throw new IncludeFailure(
        `${PREFIX}Directory ${path} exceeds the maximum include directory nesting level of ${MAX_DIR_DEPTH}. You have probably a recursion somewhere.`,
      );
    }
    let names: string[];
    try {
      names = fs.readDir(path).map((d) => joinPath(path, d.name));
    } catch (err) {
      throw new IncludeFailure(`${PREFIX}Could not open directory ${path}: ${describeFsError(err)}`);
    }
    names.sort(byteOrder);
    for (const name of names) dirNoFnmatch(fs, name, optional, depth + 1, onFile);
    return;
  }
  if (optional && kind === 'missing') return;
  onFile(path);
}

function dirFnmatch(fs: ConfigFs, dir: string, pattern: string, optional: boolean, onFile: (file: string) => void): void {
  const slash = pattern.indexOf('/');
  const component = slash < 0 ? pattern : pattern.slice(0, slash);
  const rest = slash < 0 ? null : pattern.slice(slash + 1);
  if (!fnmatchTest(component)) {
    const next = joinPath(dir, component);
    if (rest === null) dirNoFnmatch(fs, next, optional, 0, onFile);
    else dirFnmatch(fs, next, rest, optional, onFile);
    return;
  }
  let entries;
  try {
    entries = fs.readDir(dir);
  } catch (err) {
    if (optional && (err as { code?: string }).code === 'ENOENT') return;
    throw new IncludeFailure(`${PREFIX}Could not open directory ${dir}: ${describeFsError(err)}`);
  }
  const candidates: string[] = [];
  for (const entry of entries) {
    if (!fnmatch(component, entry.name, { period: true })) continue;
    if (rest !== null && !entry.isDirectory) continue;
    candidates.push(joinPath(dir, entry.name));
  }
  if (candidates.length === 0) {
    if (!optional) throw new IncludeFailure(`${PREFIX}No matches for the wildcard '${component}' in '${dir}', failing`);
    return;
  }
  candidates.sort(byteOrder);
  for (const candidate of candidates) {
    if (rest === null) dirNoFnmatch(fs, candidate, optional, 0, onFile);
    else dirFnmatch(fs, candidate, rest, optional, onFile);
  }
}
