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
import type { RequestRec, RoutingServices, SubRequestResult } from '../../src/routing/request-rec';
import { lookupVariable } from '../../src/rewrite/variables';
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

type PhaseResult =
  | { kind: 'redirect'; status: number; location: string }
  | { kind: 'status' | 'proxy'; status: number }
  | { kind: 'internalRedirect'; url: string }
  | { kind: 'mapped' };

/** translate_name, the directory walk with .htaccess, per-dir rules and the type fixup. */
function runPhases(r: RequestRec, ts: TestServer, tree: Tree, relaxedParse: boolean): PhaseResult {
  const t = rewriteTranslateName(r);
  if (t.kind === 'redirect') return t;
  if (t.kind === 'status') return { kind: 'status', status: t.status };
  if (t.kind === 'proxy') return { kind: 'proxy', status: 200 };
  if (t.kind === 'declined') r.filename = mergeUnderRoot(tree.docroot, r.uri.replace(/^\/+/, '')) ?? r.filename;
  if (!r.filename!.startsWith(tree.docroot)) return { kind: 'status', status: nodeFs.stat(r.filename!) ? 403 : 404 };
  const w = walk(tree.docroot, r.filename!);
  r.filename = w.filename;
  r.pathInfo = w.pathInfo;
  let dconf: RewriteDirConf = ts.defaults;
  const options = new Set<OptionName>(['FollowSymLinks']);
  for (const d of w.dirs) {
    for (const s of ts.sections) if (s.path === d + '/') dconf = rewriteModule.mergeDirConfig!(dconf, s.conf);
    const h = readHtaccess(ts, d, relaxedParse);
    if (h.broken) return { kind: 'status', status: 500 };
    if (h.conf) dconf = rewriteModule.mergeDirConfig!(dconf, h.conf);
    for (const line of h.optionLines) applyOptions(line, options);
  }
  r.perDirConfig = { rewrite_module: dconf, core_module: { options } };
  const f = rewriteFixup(r);
  rewriteTypeChecker(r);
  if (f.kind === 'redirect') return f;
  if (f.kind === 'status') return { kind: 'status', status: f.status };
  if (f.kind === 'proxy') return { kind: 'proxy', status: 200 };
  // The internal redirect is redirect-handler's job; a [H=] applied by the type fixup replaces it.
  if (f.kind === 'internalRedirect' && r.handler === 'redirect-handler') return f;
  return { kind: 'mapped' };
}

/** Sub-requests as ap_sub_req_lookup_uri/file see them: the phases without the handler. */
function services(ts: TestServer, tree: Tree, headers: Record<string, string>, relaxedParse: boolean): RoutingServices {
  const sub = (main: RequestRec, target: string, file: boolean): SubRequestResult => {
    const r = makeRequest({ target: file ? main.unparsedUri : target, headers, server: ts.server, main, services: fakeServices() });
    let status = 200;
    if (file) {
      // ap_sub_req_lookup_file: no translate_name; the file is the given path.
      r.filename = target;
    } else {
      const res = runPhases(r, ts, tree, relaxedParse);
      if (res.kind === 'status' || res.kind === 'redirect') status = res.status;
    }
    return {
      status,
      filename: r.filename,
      finfo: r.filename ? nodeFs.stat(r.filename) : null,
      uri: r.uri,
      lookup: (name) => lookupVariable(name, { r, uri: r.uri, perdir: null, ruleGroups: null, condGroups: null, varyThis: [], vary: [] }),
    };
  };
  return { ...fakeServices(), subRequestUri: (r, uri) => sub(r, uri, false), subRequestFile: (r, path) => sub(r, path, true) };
}

export function route(ts: TestServer, tree: Tree, target: string, headers: Record<string, string>, limit = 10, relaxedParse = false): Outcome {
  const poolData = new Map<string, unknown>();
  let env = new Map<string, string>();
  let cur = target;
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
  const svc = services(ts, tree, headers, relaxedParse);
  for (let depth = 0; ; depth++) {
    const r = makeRequest({ target: cur, headers, server: ts.server, services: svc, poolData });
    for (const [k, v] of env) r.env.set(k, v);
    if (depth > limit) return done(r, 'status', 500);
    const res = runPhases(r, ts, tree, relaxedParse);
    if (res.kind === 'redirect') return done(r, 'redirect', res.status, res.location);
    if (res.kind === 'status' || res.kind === 'proxy') return done(r, res.kind, res.status);
    if (res.kind === 'internalRedirect') {
      if (depth + 1 >= limit) return done(r, 'status', 500);
      // internal_internal_redirect: env copied with REDIRECT_ prefixes, plus REDIRECT_STATUS.
      env = new Map([...r.env].map(([k, v]) => [`REDIRECT_${k}`, v]));
      env.set('REDIRECT_STATUS', String(r.status));
      // ap_internal_redirect parses the URL again, so its path is %-decoded once more.
      cur = res.url;
      continue;
    }
    const st = nodeFs.stat(r.filename!);
    if (st && st.kind === 'file' && r.pathInfo === '') return done(r, 'file', 200);
    return done(r, 'status', 404);
  }
}
