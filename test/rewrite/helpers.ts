/**
 * Test helpers for src/rewrite: a temp-dir file tree, an FsView over node:fs, a tiny config reader
 * that feeds directive lines to rewriteModule's table (with <Directory> sections), fake routing
 * services, and a RequestRec builder. Not the real loader or routing core — just enough to drive
 * the hooks the way they drive them.
 */
import { lstatSync, mkdirSync, mkdtempSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync, readFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { CmdParms, ContextKind, LoadedConfig, ServerConf } from '../../src/config/module';
import type { FileInfo, FsView } from '../../src/routing/fs-view';
import { HeaderTable } from '../../src/routing/request-rec';
import type { RequestRec, RoutingServices, SubRequestResult, TraceStep } from '../../src/routing/request-rec';
import { rewriteModule } from '../../src/rewrite';
import type { RewriteDirConf, RewriteServerConf } from '../../src/rewrite';
import type { OptionName } from '../../src/config/records';

export type FileSpec = string | { symlink: string } | { content: string; mode: string } | Record<string, never>;

export interface Tree {
  readonly root: string;
  readonly docroot: string;
  cleanup(): void;
}

export function makeTree(files: Record<string, FileSpec>): Tree {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'sg-rewrite-')));
  const docroot = join(root, 'htdocs');
  mkdirSync(docroot, { recursive: true });
  const sub = (s: string): string => s.replace(/@ROOT@/g, root).replace(/@DOCROOT@/g, docroot);
  for (const [rel, spec] of Object.entries(files)) {
    const path = join(root, rel);
    if (rel.endsWith('/') || (typeof spec === 'object' && Object.keys(spec).length === 0)) {
      mkdirSync(path, { recursive: true });
      continue;
    }
    mkdirSync(dirname(path), { recursive: true });
    if (typeof spec === 'string') writeFileSync(path, sub(spec));
    else if ('symlink' in spec) symlinkSync(sub(spec.symlink), path);
    else if ('content' in spec) {
      writeFileSync(path, sub(spec.content));
      chmodSync(path, parseInt(spec.mode, 8));
    }
  }
  return { root, docroot, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

function info(st: import('node:fs').Stats): FileInfo {
  return {
    kind: st.isSymbolicLink() ? 'symlink' : st.isDirectory() ? 'directory' : st.isFile() ? 'file' : 'other',
    sizeBytes: st.size,
    mtimeMs: st.mtimeMs,
    ino: st.ino,
    uid: st.uid,
    mode: st.mode & 0o7777,
  };
}

export const nodeFs: FsView = {
  stat(path) {
    try {
      return info(statSync(path));
    } catch {
      return null;
    }
  },
  lstat(path) {
    try {
      return info(lstatSync(path));
    } catch {
      return null;
    }
  },
  readText(path) {
    try {
      return readFileSync(path, 'latin1');
    } catch (e) {
      return (e as NodeJS.ErrnoException).code === 'EACCES' ? 'unreadable' : null;
    }
  },
};

export interface TestServer {
  server: ServerConf;
  /** Per-directory rewrite records by directory path (with trailing '/'), in config order. */
  sections: Array<{ path: string; conf: RewriteDirConf }>;
  defaults: RewriteDirConf;
  warnings: string[];
}

function cmd(where: number, name: string, context: ContextKind, path: string | null, server: ServerConf, warnings: string[]): CmdParms {
  const p = {
    where: { file: 'test.conf', line: where },
    directiveName: name,
    context,
    sectionChain: context === 'server' ? [] : [context],
    path,
    pathIsRegex: false,
    serverRoot: '/',
    server,
    override: null,
    loadedModules: new Set(['rewrite_module', 'proxy_module']),
    warn: (m: string) => warnings.push(m),
  };
  return p as unknown as CmdParms;
}

export function newServer(docroot: string, extra: Partial<ServerConf> = {}): ServerConf {
  return {
    isVirtual: false,
    addresses: [],
    serverName: 'www.example.com',
    serverAliases: [],
    where: null,
    moduleConfig: { rewrite_module: rewriteModule.createServerConfig!(), core_module: { documentRoot: docroot } },
    lookupDefaults: {},
    directorySections: [],
    filesSections: [],
    locationSections: [],
    ifSections: [],
    ...extra,
  };
}

/** Applies one directive line to a record; throws what the directive throws. */
export function applyLine(
  line: string,
  lineNo: number,
  server: ServerConf,
  dir: RewriteDirConf,
  path: string | null,
  warnings: string[] = [],
): void {
  const m = /^\s*(\S+)\s*(.*)$/.exec(line)!;
  const def = rewriteModule.directives.find((d) => d.name.toLowerCase() === m[1]!.toLowerCase());
  if (!def) throw new Error(`test helper: unknown directive ${m[1]}`);
  const raw = m[2]!;
  const words = raw.match(/"[^"]*"|'[^']*'|\S+/g)?.map((w) => w.replace(/^["']|["']$/g, '')) ?? [];
  const p = cmd(lineNo, def.name, path === null ? 'server' : 'directory', path, server, warnings);
  const sconf = server.moduleConfig['rewrite_module'] as RewriteServerConf;
  if (def.syntax === 'iterate') for (const w of words) def.apply(p, dir, sconf, [w], raw);
  else if (def.syntax === 'raw') def.apply(p, dir, sconf, [raw], raw);
  else if (def.syntax === 'flag') def.apply(p, dir, sconf, [words[0]!.toLowerCase()], raw);
  else def.apply(p, dir, sconf, words, raw);
}

/** Reads rewrite directives with optional <Directory "path"> sections. */
export function loadRewriteConfig(text: string, docroot: string, serverExtra: Partial<ServerConf> = {}): TestServer {
  const server = newServer(docroot, serverExtra);
  const warnings: string[] = [];
  const defaults = rewriteModule.createDirConfig!(null);
  const sections: TestServer['sections'] = [];
  let current: { path: string; conf: RewriteDirConf } | null = null;
  text.split('\n').forEach((rawLine, i) => {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#')) return;
    const open = /^<Directory\s+"?([^">]+)"?>$/i.exec(line);
    if (open) {
      const path = open[1]!.replace(/@DOCROOT@/g, docroot);
      const withSlash = path.endsWith('/') ? path : path + '/';
      current = { path: withSlash, conf: rewriteModule.createDirConfig!(withSlash) };
      sections.push(current);
      return;
    }
    if (/^<\/Directory>$/i.test(line)) {
      current = null;
      return;
    }
    const c = current as { path: string; conf: RewriteDirConf } | null;
    applyLine(line, i + 1, server, c ? c.conf : defaults, c ? c.path : null, warnings);
  });
  server.lookupDefaults = { rewrite_module: defaults };
  return { server, sections, defaults, warnings };
}

export interface FakeServicesOptions {
  now?: Date;
  random?: number;
  env?: Record<string, string>;
  sub?: (uri: string) => SubRequestResult;
}

export function fakeServices(o: FakeServicesOptions = {}): RoutingServices {
  const notFound = (uri: string): SubRequestResult => ({ status: 404, filename: null, finfo: null, uri });
  return {
    subRequestUri: (_r, uri) => (o.sub ?? notFound)(uri),
    subRequestFile: (_r, path) => (o.sub ?? notFound)(path),
    processEnv: (name) => o.env?.[name],
    now: () => o.now ?? new Date(Date.UTC(2026, 10, 25, 10, 0, 0)),
    random: () => o.random ?? 0,
  };
}

export interface RequestOptions {
  target: string;
  method?: string;
  headers?: Record<string, string>;
  server: ServerConf;
  perDirConfig?: Record<string, unknown>;
  filename?: string | null;
  pathInfo?: string;
  options?: OptionName[];
  services?: RoutingServices;
  trace?: boolean;
  poolData?: Map<string, unknown>;
  main?: RequestRec | null;
  loadedModules?: string[];
  clientIp?: string;
}

/** %-decodes a path one byte per character (the routing core's byte model). */
export function decodePath(raw: string): string {
  return raw.replace(/%([0-9a-fA-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
}

export function makeRequest(o: RequestOptions): RequestRec {
  const q = o.target.indexOf('?');
  const rawPath = q < 0 ? o.target : o.target.slice(0, q);
  const args = q < 0 ? null : o.target.slice(q + 1);
  const headers = HeaderTable.from(Object.entries(o.headers ?? { Host: 'www.example.com' }));
  const hostHeader = headers.get('Host') ?? 'www.example.com';
  const hm = /^(.*?)(?::(\d+))?$/.exec(hostHeader)!;
  const config: LoadedConfig = {
    serverRoot: '/',
    mainServer: o.server,
    virtualHosts: [],
    loadedModules: new Set(o.loadedModules ?? ['rewrite_module', 'proxy_module']),
    defines: new Map(),
    files: [],
    warnings: [],
    listen: [],
  };
  const method = o.method ?? 'GET';
  return {
    config,
    fs: nodeFs,
    connection: { clientIp: o.clientIp ?? '127.0.0.1', clientPort: 40000, localIp: '127.0.0.1', localPort: 80, isHttps: false },
    server: o.server,
    method,
    protocol: 'HTTP/1.1',
    theRequest: `${method} ${o.target} HTTP/1.1`,
    unparsedUri: o.target,
    uri: decodePath(rawPath),
    args,
    filename: o.filename ?? null,
    canonicalFilename: null,
    pathInfo: o.pathInfo ?? '',
    finfo: null,
    hostname: hm[1]!,
    port: hm[2] ? Number(hm[2]) : 80,
    isHttps: false,
    handler: null,
    contentType: null,
    contentEncoding: null,
    headersIn: headers,
    headersOut: new HeaderTable(),
    errHeadersOut: new HeaderTable(),
    env: new Map(),
    notes: new Map(),
    perDirConfig: o.perDirConfig ?? {
      rewrite_module: (o.server.lookupDefaults['rewrite_module'] as RewriteDirConf | undefined) ?? rewriteModule.createDirConfig!(null),
      core_module: { options: new Set(o.options ?? ['FollowSymLinks']) },
    },
    contextPrefix: null,
    contextDocumentRoot: null,
    poolData: o.poolData ?? new Map(),
    prev: null,
    main: o.main ?? null,
    redirectDepth: 0,
    status: 200,
    trace: o.trace ? ([] as TraceStep[]) : null,
    services: o.services ?? fakeServices(),
  };
}
