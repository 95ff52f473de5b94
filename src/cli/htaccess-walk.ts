/**
 * The bounded .htaccess walk of `smoothgate check`: every directory under every mapped root
 * (DocumentRoot, Alias targets) is visited top-down; at each level the <Directory> sections of
 * that depth merge first, then that directory's access file when AllowOverride lets it be read —
 * the order of Apache's directory walk (httpd server/request.c ap_directory_walk; SPEC-NOTES §4.3.1).
 * Symlinks are not followed; depth and count are bounded.
 */
import { lstatSync, readFileSync, readdirSync } from 'node:fs';
import { isSgError, type SgError } from '../errors';
import {
  coreDir,
  coreServer,
  fnmatch,
  fnmatchTest,
  mergeDirVectors,
  overrideSetOf,
  parseHtaccess,
  type DirConfigVector,
  type LoadedConfig,
  type ServerConf,
} from '../config';

export interface WalkLimits {
  readonly maxDepth: number;
  readonly maxDirectories: number;
}

export const DEFAULT_WALK_LIMITS: WalkLimits = { maxDepth: 32, maxDirectories: 20000 };

export interface HtaccessFile {
  readonly file: string;
  readonly dir: string;
  /** The .htaccess's own vector (for the handler report). */
  readonly vector: DirConfigVector | null;
  readonly error: SgError | null;
}

export interface WalkResult {
  readonly files: HtaccessFile[];
  readonly directoriesVisited: number;
  readonly truncated: boolean;
}

function prefixes(dir: string): string[] {
  const parts = dir.split('/').filter((p) => p !== '');
  const out = ['/'];
  for (let i = 1; i <= parts.length; i++) out.push(`/${parts.slice(0, i).join('/')}/`);
  return out;
}

function sectionMatches(sectionPath: string, prefix: string): boolean {
  return fnmatchTest(sectionPath) ? fnmatch(sectionPath, prefix, { pathname: true }) : sectionPath === prefix;
}

/** One server's walk state: merged vectors per directory, each access file parsed once. */
class ServerWalk {
  private readonly vectors = new Map<string, DirConfigVector>();
  readonly files: HtaccessFile[] = [];
  private readonly seen = new Set<string>();

  constructor(
    private readonly config: LoadedConfig,
    private readonly server: ServerConf,
  ) {}

  /** The merged vector of `dir` (ends in '/'), computing ancestors as needed. */
  vectorFor(dir: string): DirConfigVector {
    const cached = this.vectors.get(dir);
    if (cached) return cached;
    const chain = prefixes(dir);
    const parentPath = chain.length > 1 ? (chain[chain.length - 2] as string) : null;
    let vec = parentPath ? this.vectorFor(parentPath) : this.server.lookupDefaults;
    // ap_count_dirs: '/var/www/' has 3 components; <Directory /> has 0.
    const level = dir === '/' ? 0 : dir.split('/').length - 1;
    for (const section of this.server.directorySections) {
      if (section.regex) continue;
      const components = section.path === '/' ? 0 : section.components;
      if (components === level && sectionMatches(section.path, dir)) vec = mergeDirVectors(vec, section.config);
    }
    vec = this.applyAccessFile(dir, vec);
    this.vectors.set(dir, vec);
    return vec;
  }

  private applyAccessFile(dir: string, vec: DirConfigVector): DirConfigVector {
    const override = overrideSetOf(coreDir(vec));
    if (!override) return vec;
    const names = coreServer(this.server).accessFileNames ?? ['.htaccess'];
    for (const name of names) {
      const file = `${dir}${name}`;
      let text: string;
      try {
        if (!lstatSync(file).isFile()) continue;
        text = readFileSync(file, 'utf8');
      } catch {
        continue;
      }
      const first = !this.seen.has(file);
      this.seen.add(file);
      try {
        const own = parseHtaccess(text, file, dir, override, this.server, this.config);
        if (first) this.files.push({ file, dir, vector: own, error: null });
        return mergeDirVectors(vec, own);
      } catch (err) {
        if (!isSgError(err)) throw err;
        if (first) this.files.push({ file, dir, vector: null, error: err });
        return vec;
      }
    }
    return vec;
  }
}

/** Walk every mapped root of every server. */
export function walkHtaccess(config: LoadedConfig, limits: WalkLimits = DEFAULT_WALK_LIMITS): WalkResult {
  const files: HtaccessFile[] = [];
  const fileSeen = new Set<string>();
  let visited = 0;
  let truncated = false;
  for (const server of [config.mainServer, ...config.virtualHosts]) {
    const walk = new ServerWalk(config, server);
    const roots = new Set<string>();
    const docRoot = coreServer(server)?.documentRoot;
    if (docRoot) roots.add(docRoot);
    const aliases = (server.moduleConfig['alias_module'] as { aliases?: Array<{ regex: RegExp | null; real: string }> } | undefined)?.aliases ?? [];
    for (const alias of aliases) if (!alias.regex) roots.add(alias.real);
    for (const root of roots) {
      const stack: Array<[string, number]> = [[root.endsWith('/') ? root : `${root}/`, 0]];
      while (stack.length > 0) {
        const [dir, depth] = stack.pop() as [string, number];
        if (visited >= limits.maxDirectories) {
          truncated = true;
          break;
        }
        visited++;
        walk.vectorFor(dir);
        if (depth >= limits.maxDepth) {
          truncated = true;
          continue;
        }
        let entries;
        try {
          entries = readdirSync(dir, { withFileTypes: true });
        } catch {
          continue;
        }
        const subdirs = entries.filter((e) => e.isDirectory()).map((e) => `${dir}${e.name}/`).sort().reverse();
        for (const sub of subdirs) stack.push([sub, depth + 1]);
      }
    }
    for (const f of walk.files) {
      if (fileSeen.has(f.file)) continue;
      fileSeen.add(f.file);
      files.push(f);
    }
  }
  return { files, directoriesVisited: visited, truncated };
}
