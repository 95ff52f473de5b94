/**
 * mod_alias (SPEC-NOTES §4.5.1; httpd modules/mappers/mod_alias.c `translate_alias_redir`,
 * `fixup_redir`, `try_alias_list`, `alias_matches`): in one context every Redirect is tried before
 * any Alias, each list in config order; prefixes match on path-segment boundaries against the
 * decoded r->uri, a run of '/' in the URI matching one '/' of the pattern.
 */
import type { AliasDirConf, AliasEntry, AliasServerConf, RedirectEntry } from '../../config/records';
import { MODULE_IDS } from '../../config/records';
import type { RequestRec } from '../request-rec';
import { escapeUri } from '../uri';
import { constructUrl } from './self-url';

export type AliasOutcome =
  | { readonly kind: 'declined' }
  | { readonly kind: 'ok' }
  | { readonly kind: 'status'; readonly status: number; readonly reason: string };

/**
 * `alias_matches`: length of `uri` consumed by the prefix `fake`, or 0. Slashes in `fake` match any
 * run of slashes in `uri`; the match must end on a segment boundary.
 */
export function aliasMatches(uri: string, fake: string): number {
  let u = 0;
  let f = 0;
  while (f < fake.length) {
    if (fake[f] === '/') {
      if (uri[u] !== '/') return 0;
      while (fake[f] === '/') f++;
      while (uri[u] === '/') u++;
    } else {
      if (uri[u] !== fake[f]) return 0;
      u++;
      f++;
    }
  }
  // Segment boundary: the whole URI, or the pattern ended with '/', or the next char is '/'.
  if (fake.endsWith('/') || u === uri.length || uri[u] === '/') return u;
  return 0;
}

/** `ap_pregsub`: $0–$9 and & from a regex match; `\$` and `\&` are literal. */
export function pregsub(template: string, match: RegExpExecArray): string {
  let out = '';
  for (let i = 0; i < template.length; i++) {
    const c = template[i]!;
    if (c === '\\' && (template[i + 1] === '$' || template[i + 1] === '&')) {
      out += template[++i];
    } else if (c === '&') out += match[0];
    else if (c === '$' && /[0-9]/.test(template[i + 1] ?? '')) {
      out += match[Number(template[++i])] ?? '';
    } else out += c;
  }
  return out;
}

interface AliasHit {
  readonly target: string;
  readonly status: number;
  readonly entry: AliasEntry | RedirectEntry;
  readonly prefixLength: number;
}

function tryList(uri: string, list: ReadonlyArray<AliasEntry | RedirectEntry>, isRedirect: boolean): AliasHit | null {
  for (const entry of list) {
    const status = 'status' in entry ? entry.status : 200;
    const real = 'real' in entry ? entry.real : entry.target;
    if (entry.regex) {
      entry.regex.lastIndex = 0;
      const m = entry.regex.exec(uri);
      if (!m) continue;
      const target = real === null ? '' : pregsub(real, m);
      return { target, status, entry, prefixLength: m[0].length };
    }
    const length = aliasMatches(uri, entry.fake);
    if (length === 0) continue;
    const rest = uri.slice(length);
    const target = real === null ? '' : real + (isRedirect ? escapeUri(rest) : rest);
    return { target, status, entry, prefixLength: length };
  }
  return null;
}

function isRedirectStatus(status: number): boolean {
  return status >= 300 && status < 400;
}

function issueRedirect(r: RequestRec, hit: AliasHit, relative: boolean): AliasOutcome {
  if (isRedirectStatus(hit.status)) {
    let location = hit.target;
    if (location.startsWith('/') && !relative) location = constructUrl(r, location);
    // The request's query is appended only when the target has none of its own.
    if (r.args !== null && !location.includes('?')) location = `${location}?${r.args}`;
    r.headersOut.set('Location', location);
  }
  return { kind: 'status', status: hit.status, reason: `mod_alias: Redirect ${hit.entry.where.file}:${hit.entry.where.line}` };
}

/** translate_name hook (APR_HOOK_MIDDLE): server/vhost Redirect*, then Alias*. */
export function aliasTranslate(r: RequestRec): AliasOutcome {
  if (r.uri[0] !== '/' && r.uri !== '') return { kind: 'declined' };
  const conf = r.server.moduleConfig[MODULE_IDS.alias] as AliasServerConf | undefined;
  if (!conf) return { kind: 'declined' };
  const redirect = tryList(r.uri, conf.redirects, true);
  if (redirect) {
    r.trace?.push({ phase: 'alias', text: `Redirect matched → ${redirect.status} ${redirect.target}` });
    return issueRedirect(r, redirect, false);
  }
  const alias = tryList(r.uri, conf.aliases, false);
  if (alias) {
    r.filename = alias.target;
    r.canonicalFilename = alias.target;
    if (!alias.entry.regex && 'real' in alias.entry) {
      // ap_set_context_info: the matched URL prefix and the directory it maps to.
      r.contextPrefix = r.uri.slice(0, alias.prefixLength).replace(/\/+$/, '');
      r.contextDocumentRoot = alias.entry.real.replace(/\/+$/, '');
    }
    if ('kind' in alias.entry && alias.entry.kind === 'scriptAlias') r.handler = 'cgi-script';
    r.trace?.push({ phase: 'alias', text: `Alias matched → ${alias.target}` });
    return { kind: 'ok' };
  }
  return { kind: 'declined' };
}

/** fixups hook (APR_HOOK_MIDDLE): Redirect* in <Directory>/.htaccess. */
export function aliasFixupRedirect(r: RequestRec): AliasOutcome {
  const conf = r.perDirConfig[MODULE_IDS.alias] as AliasDirConf | undefined;
  if (!conf || conf.redirects.length === 0) return { kind: 'declined' };
  const hit = tryList(r.uri, conf.redirects, true);
  if (!hit) return { kind: 'declined' };
  return issueRedirect(r, hit, conf.redirectRelative === true);
}
