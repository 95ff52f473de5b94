/**
 * mod_headers (httpd modules/metadata/mod_headers.c): `RequestHeader` edits run in the fixups phase
 * (APR_HOOK_LAST); `Header` edits run when the response goes out — `onsuccess` ones on the normal
 * headers (sent only with 2xx/304), `always` ones on err_headers_out (sent with every response). We
 * compute both here from the final request's per-directory configuration.
 */
import type { HeaderDirective, HeadersDirConf } from '../../config/records';
import { MODULE_IDS } from '../../config/records';
import type { HeaderTable, RequestRec } from '../request-rec';
import { applyExpires, hasExpires } from './expires';

/** mod_headers format string: %{VAR}e, %{NAME}i (request header), %t, %D, %%. */
function formatValue(r: RequestRec, format: string): string {
  // Every specifier starts with '%': a value without one (the usual `nosniff`) is itself.
  if (!format.includes('%')) return format;
  return format.replace(/%(?:\{([^}]*)\})?([%a-zA-Z])/g, (whole, arg: string | undefined, spec: string) => {
    switch (spec) {
      case '%':
        return '%';
      case 'e':
        return arg !== undefined ? (r.env.get(arg) ?? '(null)') : whole;
      case 'i':
        return arg !== undefined ? (r.headersIn.get(arg) ?? '(null)') : whole;
      case 't':
        return `t=${r.services.now().getTime() * 1000}`;
      case 'D':
        return 'D=0';
      default:
        return whole;
    }
  });
}

function conditionHolds(r: RequestRec, d: HeaderDirective): boolean {
  if (!d.envCondition) return true;
  const present = r.env.has(d.envCondition.name);
  return d.envCondition.negate ? !present : present;
}

export function applyHeaderDirective(r: RequestRec, table: HeaderTable, d: HeaderDirective): void {
  if (!conditionHolds(r, d)) return;
  const value = d.value === null ? '' : formatValue(r, d.value);
  switch (d.action) {
    case 'set':
      table.set(d.header, value);
      break;
    case 'setifempty':
      if (!table.has(d.header)) table.set(d.header, value);
      break;
    case 'add':
      table.add(d.header, value);
      break;
    case 'append': {
      const current = table.getJoined(d.header);
      table.set(d.header, current === undefined ? value : `${current}, ${value}`);
      break;
    }
    case 'merge': {
      const current = table.getJoined(d.header);
      if (current === undefined) table.set(d.header, value);
      else if (!current.split(',').some((t) => t.trim() === value)) table.set(d.header, `${current}, ${value}`);
      break;
    }
    case 'unset':
      table.unset(d.header);
      break;
    case 'edit':
    case 'edit*': {
      const current = table.get(d.header);
      if (current === undefined || !d.editRegex) break;
      const flags = d.action === 'edit*' ? d.editRegex.flags.replace('g', '') + 'g' : d.editRegex.flags.replace('g', '');
      const re = new RegExp(d.editRegex.source, flags);
      table.set(d.header, current.replace(re, d.editReplacement ?? ''));
      break;
    }
    case 'echo':
    case 'note':
      break;
  }
}

/** Fixup: RequestHeader (non-early) edits on the request's headers. */
export function applyRequestHeaders(r: RequestRec): void {
  const conf = r.perDirConfig[MODULE_IDS.headers] as HeadersDirConf | undefined;
  if (!conf) return;
  for (const d of conf.requestHeaders) if (!d.early) applyHeaderDirective(r, r.headersIn, d);
}

/**
 * The response headers the configuration adds for a response of `status`: for 2xx/304 both the
 * normal (onsuccess) and the err_headers_out (always) tables; otherwise only the latter.
 */
export function responseHeaders(r: RequestRec, status: number): Array<[string, string]> {
  const success = (status >= 200 && status < 300) || status === 304;
  const conf = r.perDirConfig[MODULE_IDS.headers] as HeadersDirConf | undefined;
  if (r.headersOut.list().length === 0 && r.errHeadersOut.list().length === 0 && !conf?.responseHeaders.length && !hasExpires(r)) {
    return [];
  }
  const normal = r.headersOut.clone();
  const always = r.errHeadersOut.clone();
  // mod_expires' filter (AP_FTYPE_CONTENT_SET-2) runs before mod_headers' (AP_FTYPE_CONTENT_SET).
  if (success) applyExpires(r, status, normal, always);
  if (conf) {
    for (const d of conf.responseHeaders) {
      if (d.condition === 'always') applyHeaderDirective(r, always, d);
      else if (success) applyHeaderDirective(r, normal, d);
    }
  }
  const out: Array<[string, string]> = [];
  if (success) for (const [k, v] of normal.list()) out.push([k, v]);
  else {
    const location = normal.get('Location');
    if (location !== undefined && status >= 300 && status < 400) out.push(['Location', location]);
  }
  for (const [k, v] of always.list()) out.push([k, v]);
  return out;
}
