/**
 * RewriteMap lookups at request time (mod_rewrite.c `lookup_map`, `lookup_map_txtfile`,
 * `select_random_value_part`, `rewrite_mapfunc_*`). txt:/rnd: files are read through the request's
 * FsView and re-parsed when their mtime changes (Apache's map cache). SPEC-NOTES §4.4.10.
 */
import type { RequestRec } from '../routing/request-rec';
import type { RewriteMapDef, RewriteServerConf, TxtMapCache } from './types';
import { escapeUri, unescapeUrl } from './uri';

function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v';
}

/** Parses a txt map: first line with the key *and* a value wins; the value is its second word. */
export function parseTxtMap(text: string): Map<string, string> {
  const entries = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line === '' || line[0] === '#' || isSpace(line[0])) continue;
    let p = 0;
    while (p < line.length && !isSpace(line[p])) p++;
    const key = line.slice(0, p);
    // lookup_map_txtfile reads with fgets, so the line's own '\n' counts as the space after the key.
    if (p >= line.length && !isSpace('\n')) continue;
    while (p < line.length && isSpace(line[p])) p++;
    const start = p;
    while (p < line.length && !isSpace(line[p])) p++;
    const value = line.slice(start, p);
    if (value === '' || entries.has(key)) continue;
    entries.set(key, value);
  }
  return entries;
}

function txtLookup(r: RequestRec, file: string, cache: TxtMapCache, key: string): string | null {
  const st = r.fs.stat(file);
  if (!st) return null; // AH00661 can't access text RewriteMap file
  if (cache.entries === null || cache.mtimeMs !== st.mtimeMs) {
    const text = r.fs.readText(file);
    if (text === null || text === 'unreadable') return null; // AH00655
    cache.entries = parseTxtMap(text);
    cache.mtimeMs = st.mtimeMs;
  }
  return cache.entries.get(key) ?? null;
}

function asciiUpper(s: string): string {
  return s.replace(/[a-z]+/g, (m) => m.toUpperCase());
}

function asciiLower(s: string): string {
  return s.replace(/[A-Z]+/g, (m) => m.toLowerCase());
}

/** lookup_map: the value for `key` in map `name`, null when the map or the key is unknown. */
export function lookupMap(r: RequestRec, name: string, key: string): string | null {
  const conf = r.server.moduleConfig['rewrite_module'] as RewriteServerConf | undefined;
  const def: RewriteMapDef | undefined = conf?.maps.get(name);
  if (!def) return null;
  if (def.kind === 'int') {
    switch (def.func) {
      case 'toupper':
        return asciiUpper(key);
      case 'tolower':
        return asciiLower(key);
      case 'escape':
        return escapeUri(key);
      case 'unescape':
        return unescapeUrl(key);
    }
  }
  let value = txtLookup(r, def.file, def.cache, key);
  if (value === null || value === '') return null;
  if (def.kind === 'rnd') {
    const parts = value.split('|');
    if (parts.length > 1) value = parts[Math.min(parts.length - 1, Math.floor(r.services.random() * parts.length))]!;
    if (value === '') return null;
  }
  return value;
}
