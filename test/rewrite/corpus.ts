/**
 * Runs conformance cases (the shared corpus format) through mini-router.ts, for the cases that
 * stand-in can build: main server only, rewrite directives, <Directory> sections, .htaccess files
 * with rewrite directives and Options.
 */
import { readFileSync } from 'node:fs';
import { SgError } from '../../src/errors';
import { loadRewriteConfig, makeTree } from './helpers';
import { route } from './mini-router';
import type { Outcome } from './mini-router';

export interface Case {
  id: string;
  group: string;
  conf: string;
  files: Record<string, unknown>;
  modules?: string[];
  request: { method?: string; target?: string; headers?: Record<string, string>; raw?: string; client?: string };
  observe: { env: string[]; headers: string[] };
  expected: Record<string, unknown> | null;
}

export function readCases(path: string): Case[] {
  return readFileSync(path, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Case);
}

const CONF_OK = /^(ServerName|RewriteEngine|RewriteOptions|RewriteBase|RewriteCond|RewriteRule|RewriteMap|<Directory|<\/Directory>|AddHandler)\b/i;

/** Real-world .htaccess groups: directives other than mod_rewrite's are ignored by the stand-in. */
export function relaxed(c: Case): boolean {
  return c.group === 'wordpress' || c.group === 'drupal' || c.group === 'seed';
}

export function supportsCase(c: Case): boolean {
  if (c.request.raw !== undefined || c.modules || c.request.client) return false;
  if (relaxed(c) && (c.request.target ?? '').endsWith('/')) return false;
  if (!c.expected) return false;
  const target = c.request.target ?? '';
  if (!target.startsWith('/') || /%2f|%00|\.\.|%2e|\/\/|%zz/i.test(target)) return false;
  for (const line of c.conf.split('\n')) {
    const l = line.trim();
    if (l !== '' && !l.startsWith('#') && !CONF_OK.test(l) && !relaxed(c)) return false;
  }
  for (const [name, spec] of Object.entries(c.files)) {
    if (typeof spec === 'object' && spec !== null && 'mode' in spec) return false;
    if (name.endsWith('.htaccess') && typeof spec === 'string' && !relaxed(c)) {
      for (const line of spec.split('\n')) {
        const l = line.trim();
        if (l !== '' && !l.startsWith('#') && !/^(Rewrite\w+|Options|AddHandler|<IfModule|<\/IfModule)\b/i.test(l)) return false;
      }
    }
    if (name.includes('index.html') && target.endsWith('/')) return false; // mod_dir
  }
  return true;
}

export interface CaseResult {
  id: string;
  diffs: string[];
}

function rel(v: string | null, root: string): string | null {
  if (v === null) return null;
  return v.split(root).join('@ROOT@');
}

export function runCase(c: Case): CaseResult {
  const tree = makeTree(c.files as Record<string, never>);
  try {
    const conf = c.conf.replace(/@ROOT@/g, tree.root).replace(/@DOCROOT@/g, tree.docroot).split('\n')
      .filter((l) => /^\s*(Rewrite\w+|<\/?Directory\b)/i.test(l)).join('\n');
    let out: Outcome;
    try {
      const serverName = /^\s*ServerName\s+(\S+)/im.exec(c.conf)?.[1];
      const ts = loadRewriteConfig(conf, tree.docroot, serverName ? { serverName } : {});
      out = route(ts, tree, c.request.target!, c.request.headers ?? {}, 10, relaxed(c));
    } catch (e) {
      if (!(e instanceof SgError)) throw e;
      out = { kind: 'config_error', status: null, uri: null, query: null, file: null, location: null, handler: null, env: {}, setCookie: null, vary: null };
    }
    const exp = c.expected!;
    const diffs: string[] = [];
    // The oracle decodes Apache's byte strings as UTF-8 (invalid bytes become U+FFFD); ours are
    // one character per byte, so compare in the oracle's form.
    const asOracle = (v: unknown): unknown => (typeof v === 'string' ? Buffer.from(v, 'latin1').toString('utf8') : v);
    const cmp = (field: string, gotRaw: unknown, want: unknown): void => {
      const got = asOracle(gotRaw);
      if (JSON.stringify(got) !== JSON.stringify(want)) diffs.push(`${field}: expected ${JSON.stringify(want)} got ${JSON.stringify(got)}`);
    };
    cmp('kind', out.kind, exp['kind']);
    if (exp['kind'] !== 'config_error') {
      cmp('status', out.status, exp['status']);
      if (exp['kind'] === 'file') {
        cmp('uri', out.uri, exp['uri']);
        cmp('query', out.query, exp['query']);
        cmp('file', rel(out.file, tree.root), exp['file']);
      }
      if (exp['kind'] === 'redirect') cmp('location', rel(out.location, tree.root), exp['location']);
      const env = (exp['env'] ?? {}) as Record<string, string | null>;
      for (const [k, v] of Object.entries(env)) cmp(`env.${k}`, rel(out.env[k] ?? null, tree.root), v);
      const headers = (exp['headers'] ?? {}) as Record<string, string | null>;
      if ('Set-Cookie' in headers) cmp('Set-Cookie', out.setCookie, headers['Set-Cookie']);
      if ('Vary' in headers) cmp('Vary', out.vary, headers['Vary']);
    }
    return { id: c.id, diffs };
  } finally {
    tree.cleanup();
  }
}
