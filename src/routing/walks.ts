/**
 * The configuration walks of Apache's map_to_storage and location phases (SPEC-NOTES §4.3.1,
 * §4.5.4–4.5.5; httpd server/request.c `ap_directory_walk`, `ap_file_walk`, `ap_location_walk`,
 * `resolve_symlink`): <Directory> sections and .htaccess files interleaved level by level from `/`
 * down, symlinks checked against the Options in force at their level, the first non-directory
 * component ends the walk (the rest is path info), then regex directories, <Files>, <Location>.
 */
import type { DirConfigVector, LoadedConfig, SectionConf, ServerConf } from '../config/module';
import type { CoreDirConf, CoreServerConf, OptionName } from '../config/records';
import { MODULE_IDS } from '../config/records';
import { mergeDirVectors, overrideSetOf, parseHtaccess } from '../config';
import { isSgError } from '../errors';
import { fnmatch, hasWildcard } from './fnmatch';
import type { FileInfo, FsView } from './fs-view';
import type { TraceStep } from './request-rec';

/**
 * Merged vectors by (parent, child) identity. Configuration vectors are immutable once loaded and
 * the merge functions are pure, so the same walk merges the same pairs on every request: remember
 * them (Apache's walk cache does the same within a request; this one lives as long as the objects).
 */
const mergeMemo = new WeakMap<DirConfigVector, WeakMap<DirConfigVector, DirConfigVector>>();

export function mergeCached(parent: DirConfigVector, child: DirConfigVector): DirConfigVector {
  let byChild = mergeMemo.get(parent);
  if (!byChild) {
    byChild = new WeakMap();
    mergeMemo.set(parent, byChild);
  }
  let merged = byChild.get(child);
  if (!merged) {
    merged = mergeDirVectors(parent, child);
    byChild.set(child, merged);
  }
  return merged;
}

export interface DirectoryWalkResult {
  readonly perDir: DirConfigVector;
  readonly filename: string;
  readonly pathInfo: string;
  readonly finfo: FileInfo | null;
  /** A status that ends the request (403 symlink, 500 broken .htaccess …) and why. */
  readonly failure: { readonly status: number; readonly reason: string } | null;
}

/** Options in force when nothing set them: FollowSymLinks (httpd 2.4 default, core.c). */
const DEFAULT_OPTIONS: ReadonlySet<OptionName> = new Set<OptionName>(['FollowSymLinks']);

export function effectiveOptions(perDir: DirConfigVector): ReadonlySet<OptionName> {
  const core = perDir[MODULE_IDS.core] as CoreDirConf | undefined;
  return core?.options ?? DEFAULT_OPTIONS;
}

interface SortedSections {
  readonly plainDirs: SectionConf[];
  /** plainDirs[i] has fnmatch wildcards (computed once). */
  readonly plainWild: boolean[];
  readonly regexDirs: SectionConf[];
}

const sortedCache = new WeakMap<ServerConf, SortedSections>();

/** core.c `reorder_sorter`: non-regex before regex, then by component count, then config order. */
function sortedDirectorySections(server: ServerConf): SortedSections {
  const hit = sortedCache.get(server);
  if (hit) return hit;
  const indexed = server.directorySections.map((s, i) => ({ s, i }));
  const byComponents = (a: { s: SectionConf; i: number }, b: { s: SectionConf; i: number }): number =>
    a.s.components - b.s.components || a.i - b.i;
  const plainDirs = indexed.filter((e) => !e.s.regex).sort(byComponents).map((e) => e.s);
  const regexDirs = indexed.filter((e) => e.s.regex).sort(byComponents).map((e) => e.s);
  const sorted = { plainDirs, plainWild: plainDirs.map((s) => hasWildcard(s.path)), regexDirs };
  sortedCache.set(server, sorted);
  return sorted;
}

/** Parsed .htaccess files, reused while their text is unchanged (compiled once per edit). */
export class HtaccessCache {
  private readonly entries = new Map<string, { text: string; result: DirConfigVector | Error }>();

  get(file: string, text: string, parse: () => DirConfigVector): DirConfigVector {
    const hit = this.entries.get(file);
    if (hit && hit.text === text) {
      if (hit.result instanceof Error) throw hit.result;
      return hit.result;
    }
    try {
      const result = parse();
      this.entries.set(file, { text, result });
      return result;
    } catch (err) {
      if (err instanceof Error) this.entries.set(file, { text, result: err });
      throw err;
    }
  }
}

export interface WalkContext {
  readonly config: LoadedConfig;
  readonly server: ServerConf;
  readonly fs: FsView;
  readonly htaccessCache: HtaccessCache;
  readonly trace: TraceStep[] | null;
}

function symlinkAllowed(opts: ReadonlySet<OptionName>, fs: FsView, linkPath: string, link: FileInfo): boolean {
  if (opts.has('FollowSymLinks')) return true;
  if (!opts.has('SymLinksIfOwnerMatch')) return false;
  const target = fs.stat(linkPath);
  return target !== null && target.uid === link.uid;
}

/**
 * Walk `filename` (absolute) from `/`, merging <Directory> sections and .htaccess files per level.
 */
export function directoryWalk(ctx: WalkContext, filename: string): DirectoryWalkResult {
  const { server, fs } = ctx;
  const core = server.moduleConfig[MODULE_IDS.core] as CoreServerConf | undefined;
  const accessNames = core?.accessFileNames ?? ['.htaccess'];
  const sections = sortedDirectorySections(server);
  let perDir: DirConfigVector = server.lookupDefaults;
  const trailingSlash = filename.length > 1 && filename.endsWith('/');
  const components = filename.split('/').filter((c) => c !== '');

  const applyLevel = (dirPath: string): { status: number; reason: string } | null => {
    for (let i = 0; i < sections.plainDirs.length; i++) {
      const section = sections.plainDirs[i]!;
      const matches = sections.plainWild[i] ? fnmatch(section.path, dirPath) : section.path === dirPath;
      if (!matches) continue;
      perDir = mergeCached(perDir, section.config);
      ctx.trace?.push({ phase: 'directory-walk', text: `<Directory ${section.path}> (${section.where.file}:${section.where.line})` });
    }
    const coreConf = perDir[MODULE_IDS.core] as CoreDirConf | undefined;
    const override = coreConf ? overrideSetOf(coreConf) : null;
    if (!override) return null;
    for (const name of accessNames) {
      const file = dirPath + name;
      const text = fs.readText(file);
      if (text === null) continue;
      if (text === 'unreadable') return { status: 403, reason: `${file} pcfg_openfile: unable to check htaccess file, ensure it is readable (AH00529)` };
      try {
        const vec = ctx.htaccessCache.get(file, text, () => parseHtaccess(text, file, dirPath, override, server, ctx.config));
        perDir = mergeCached(perDir, vec);
        ctx.trace?.push({ phase: 'directory-walk', text: `${file} applied` });
      } catch (err) {
        const reason = isSgError(err) ? err.describe() : String(err);
        return { status: 500, reason: `${file}: ${reason}` };
      }
      break;
    }
    return null;
  };

  let dirPath = '/';
  let failure = applyLevel(dirPath);
  if (failure) return { perDir, filename: dirPath, pathInfo: '', finfo: null, failure };
  let finfo: FileInfo | null = fs.stat('/');
  let resultName = '/';
  let pathInfo = '';
  for (let i = 0; i < components.length; i++) {
    const next = dirPath + components[i]!;
    const rest = components.slice(i + 1);
    const restInfo = rest.length > 0 ? '/' + rest.join('/') + (trailingSlash ? '/' : '') : trailingSlash && i === components.length - 1 ? '' : '';
    let info = fs.lstat(next);
    if (info === null) {
      finfo = null;
      resultName = next;
      pathInfo = rest.length > 0 ? restInfo : trailingSlash ? '/' : '';
      break;
    }
    if (info.kind === 'symlink') {
      if (!symlinkAllowed(effectiveOptions(perDir), fs, next, info)) {
        return {
          perDir,
          filename: next,
          pathInfo: restInfo,
          finfo: null,
          failure: { status: 403, reason: `Symbolic link not allowed or link target not accessible: ${next} (AH00037)` },
        };
      }
      const target = fs.stat(next);
      if (target === null) {
        return { perDir, filename: next, pathInfo: restInfo, finfo: null, failure: { status: 403, reason: `link target not accessible: ${next} (AH00037)` } };
      }
      info = target;
    }
    if (info.kind !== 'directory') {
      if (info.kind !== 'file') {
        return { perDir, filename: next, pathInfo: restInfo, finfo: null, failure: { status: 403, reason: `Forbidden: ${next} doesn't point to a file or directory` } };
      }
      finfo = info;
      resultName = next;
      pathInfo = rest.length > 0 ? restInfo : trailingSlash ? '/' : '';
      break;
    }
    dirPath = next + '/';
    finfo = info;
    resultName = i === components.length - 1 ? (trailingSlash ? dirPath : next) : next;
    failure = applyLevel(dirPath);
    if (failure) return { perDir, filename: dirPath, pathInfo: rest.length > 0 ? restInfo : '', finfo: null, failure };
  }
  if (components.length === 0) resultName = '/';

  // Regex sections (<DirectoryMatch>, <Directory ~>) are tested against r->filename as the walk left
  // it — the file itself for a file (request.c ap_directory_walk, 2.4.x).
  const regexSubject = resultName;
  for (const section of sections.regexDirs) {
    if (!section.regex!.test(regexSubject)) continue;
    perDir = mergeCached(perDir, section.config);
    ctx.trace?.push({ phase: 'directory-walk', text: `<DirectoryMatch ${section.path}> (${section.where.file}:${section.where.line})` });
  }
  return { perDir, filename: resultName, pathInfo, finfo, failure: null };
}

/** `ap_file_walk`: <Files>/<FilesMatch> (top level, then those nested in the walked scopes). */
export function fileWalk(ctx: WalkContext, perDir: DirConfigVector, filename: string): DirConfigVector {
  const base = filename.endsWith('/') ? '' : filename.slice(filename.lastIndexOf('/') + 1);
  if (base === '') return perDir;
  const nested = (perDir[MODULE_IDS.core] as CoreDirConf | undefined)?.filesSections ?? [];
  let result = perDir;
  const seen = new Set<SectionConf>();
  for (const section of [...ctx.server.filesSections, ...nested]) {
    if (seen.has(section)) continue;
    seen.add(section);
    const matches = section.regex
      ? section.regex.test(base)
      : hasWildcard(section.path)
        ? fnmatch(section.path, base)
        : section.path === base;
    if (!matches) continue;
    result = mergeCached(result, section.config);
    ctx.trace?.push({ phase: 'file-walk', text: `<Files ${section.path}> (${section.where.file}:${section.where.line})` });
  }
  return result;
}

/** `ap_location_walk`: <Location> prefix on segment boundaries, wildcards, <LocationMatch> regexes. */
export function locationWalk(ctx: WalkContext, perDir: DirConfigVector, uri: string): DirConfigVector {
  let result = perDir;
  for (const section of ctx.server.locationSections) {
    let matches: boolean;
    if (section.regex) matches = section.regex.test(uri);
    else if (hasWildcard(section.path)) matches = fnmatch(section.path, uri) || fnmatch(section.path + '/*', uri);
    else {
      const p = section.path;
      matches =
        p === '/' ||
        uri === p ||
        (uri.startsWith(p) && (p.endsWith('/') || uri[p.length] === '/'));
    }
    if (!matches) continue;
    result = mergeCached(result, section.config);
    ctx.trace?.push({ phase: 'location-walk', text: `<Location ${section.path}> (${section.where.file}:${section.where.line})` });
  }
  return result;
}
