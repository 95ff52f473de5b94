/**
 * A deliberately small stand-in for the routing core, for testing the rewrite hooks end to end
 * against cases of the shared conformance corpus: main server only, DocumentRoot mapping, the
 * directory walk with <Directory> sections and .htaccess files (rewrite directives and Options
 * only), path info, per-dir internal redirects with REDIRECT_ env, LimitInternalRecursion.
 * Cases using anything else are reported as unsupported by `supportsCase`.
 */
import { join } from 'node:path';
import type { OptionName } from '../../src/config/records';
import { rewriteModule, rewriteFixup, rewriteTranslateName, rewriteTypeChecker } from '../../src/rewrite';
import type { RewriteDirConf } from '../../src/rewrite';
import type { RequestRec } from '../../src/routing/request-rec';
import { applyLine, fakeServices, makeRequest, nodeFs } from './helpers';
import type { TestServer, Tree } from './helpers';
import { mergeUnderRoot } from '../../src/rewrite/server-hook';

export interface Outcome {
  kind: 'file' | 'status' | 'redirect' | 'proxy' | 'config_error';
  status: number | null;
  uri: string | null;
  query: string | null;
  file: string | null;
  location: string | null;
  handler: string | null;
  env: Record<string, string | null>;
  setCookie: string | null;
  vary: string | null;
}

const REWRITE_DIRECTIVES = /^(RewriteEngine|RewriteOptions|RewriteBase|RewriteCond|RewriteRule|RewriteMap)\b/i;

function applyOptions(line: string, opts: Set<OptionName>): void {
  const words = line.trim().split(/\s+/).slice(1);
  const names: OptionName[] = ['Indexes', 'Includes', 'IncludesNOEXEC', 'FollowSymLinks', 'SymLinksIfOwnerMatch', 'ExecCGI', 'MultiViews'];
  const find = (w: string): OptionName | undefined => names.find((n) => n.toLowerCase() === w.toLowerCase());
  if (words.every((w) => !/^[+-]/.test(w))) opts.clear();
  for (const w of words) {
    const n = find(w.replace(/^[+-]/, ''));
    if (!n) continue;
    if (w.startsWith('-')) opts.delete(n);
    else opts.add(n);
  }
}

interface DirLevel {
  conf: RewriteDirConf | null;
  optionLines: string[];
  broken: boolean;
}

function readHtaccess(ts: TestServer, dir: string, relaxedParse: boolean): DirLevel {
  const text = nodeFs.readText(join(dir, '.htaccess'));
  if (text === null || text === 'unreadable') return { conf: null, optionLines: [], broken: false };
  const dirSlash = dir.endsWith('/') ? dir : dir + '/';
  let conf: RewriteDirConf | null = null;
  const optionLines: string[] = [];
  try {
    text.split('\n').forEach((raw, i) => {
      const line = raw.trim();
      if (line === '' || line.startsWith('#')) return;
      if (REWRITE_DIRECTIVES.test(line)) {
        conf ??= rewriteModule.createDirConfig!(dirSlash);
        applyLine(line, i + 1, ts.server, conf, dirSlash);
      } else if (/^Options\b/i.test(line)) {
        optionLines.push(line);
      } else if (relaxedParse || /^(AddHandler|<IfModule|<\/IfModule)/i.test(line)) {
        // not part of this stand-in
      } else throw new Error(`unsupported ${line}`);
    });
  } catch {
    return { conf: null, optionLines: [], broken: true };
  }
  return { conf, optionLines, broken: false };
}

/** Directory walk: filename = path up to the first missing segment, the rest is path info. */
function walk(docroot: string, filename: string): { filename: string; pathInfo: string; dirs: string[] } {
  const rel = filename.slice(docroot.length).split('/').filter((s) => s !== '');
  let cur = docroot;
  const dirs = [docroot];
  for (let i = 0; i < rel.length; i++) {
    const next = `${cur}/${rel[i]}`;
    const st = nodeFs.stat(next);
    if (st === null || st.kind !== 'directory') {
      const rest = rel.slice(i + 1).join('/');
      return { filename: next, pathInfo: rest ? '/' + rest : filename.endsWith('/') && i + 1 < rel.length ? '/' : '', dirs };
    }
    cur = next;
    dirs.push(cur);
  }
  return { filename: filename.endsWith('/') ? cur + '/' : cur, pathInfo: '', dirs };
}

export function route(ts: TestServer, tree: Tree, target: string, headers: Record<string, string>, limit = 10, relaxedParse = false): Outcome {
  const poolData = new Map<string, unknown>();
  let env = new Map<string, string>();
  let cur = target;
  let last: RequestRec | null = null;
  const done = (r: RequestRec, kind: Outcome['kind'], status: number | null, location: string | null = null): Outcome => ({
    kind,
    status,
    uri: r.uri,
    query: r.args,
    file: r.filename && r.filename.startsWith(tree.root + '/') ? r.filename.slice(tree.root.length + 1) : r.filename,
    location,
    handler: r.handler,
    env: Object.fromEntries([...r.env]),
    setCookie: r.errHeadersOut.getJoined('Set-Cookie') ?? null,
    vary: r.headersOut.get('Vary') ?? null,
  });
  for (let depth = 0; ; depth++) {
    const r = makeRequest({ target: cur, headers, server: ts.server, services: fakeServices(), poolData });
    for (const [k, v] of env) r.env.set(k, v);
    last = r;
    if (depth > limit) return done(r, 'status', 500);
    const t = rewriteTranslateName(r);
    if (t.kind === 'redirect') return done(r, 'redirect', t.status, t.location);
    if (t.kind === 'status') return done(r, 'status', t.status);
    if (t.kind === 'proxy') return done(r, 'proxy', 200);
    if (t.kind === 'declined') r.filename = mergeUnderRoot(tree.docroot, r.uri.replace(/^\/+/, '')) ?? r.filename;
    const w = walk(tree.docroot, r.filename!);
    if (!r.filename!.startsWith(tree.docroot)) {
      return done(r, 'status', nodeFs.stat(r.filename!) ? 403 : 404);
    }
    r.filename = w.filename;
    r.pathInfo = w.pathInfo;
    let dconf: RewriteDirConf = ts.defaults;
    let options = new Set<OptionName>(['FollowSymLinks']);
    for (const d of w.dirs) {
      for (const s of ts.sections) if (s.path === d + '/') dconf = rewriteModule.mergeDirConfig!(dconf, s.conf);
      const h = readHtaccess(ts, d, relaxedParse);
      if (h.broken) return done(r, 'status', 500);
      if (h.conf) dconf = rewriteModule.mergeDirConfig!(dconf, h.conf);
      for (const line of h.optionLines) applyOptions(line, options);
    }
    r.perDirConfig = { rewrite_module: dconf, core_module: { options } };
    const f = rewriteFixup(r);
    rewriteTypeChecker(r);
    if (f.kind === 'redirect') return done(r, 'redirect', f.status, f.location);
    if (f.kind === 'status') return done(r, 'status', f.status);
    if (f.kind === 'proxy') return done(r, 'proxy', 200);
    if (f.kind === 'internalRedirect') {
      if (depth + 1 >= limit) return done(r, 'status', 500);
      env = new Map([...r.env].map(([k, v]) => [`REDIRECT_${k}`, v]));
      // ap_internal_redirect parses the URL again, so its path is %-decoded once more.
      cur = f.url;
      continue;
    }
    const st = nodeFs.stat(r.filename!);
    if (st && st.kind === 'file' && r.pathInfo === '') return done(r, 'file', 200);
    return done(r, 'status', 404);
  }
  void last;
}
