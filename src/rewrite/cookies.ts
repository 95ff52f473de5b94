/**
 * [CO=name:value:domain[:lifetime[:path[:secure[:httponly[:samesite]]]]]] (mod_rewrite.c
 * `add_cookie`; httpd.apache.org/docs/2.4/rewrite/flags.html#flag_co). Fields are split like
 * strtok() (empty fields vanish); a leading ';' selects ';' as the separator. A cookie name is set
 * once per request, internal redirects included; it goes to the main request's err_headers_out.
 */
import type { RequestRec } from '../routing/request-rec';

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function pad(n: number, w: number): string {
  return String(n).padStart(w, '0');
}

/** "Wdy, DD-Mon-YYYY HH:MM:SS GMT" as add_cookie prints the expiry. */
export function cookieDate(d: Date): string {
  return `${DAYS[d.getUTCDay()]}, ${pad(d.getUTCDate(), 2)}-${MONTHS[d.getUTCMonth()]}-${pad(d.getUTCFullYear(), 4)} ${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)} GMT`;
}

const isOn = (v: string | undefined, word: string): boolean =>
  v !== undefined && (v.toLowerCase() === 'true' || v === '1' || v.toLowerCase() === word.toLowerCase());

export function addCookie(r: RequestRec, spec: string): void {
  let sep = ':';
  let s = spec;
  if (s.startsWith(';')) {
    sep = ';';
    s = s.slice(1);
  }
  const tokens = s.split(sep).filter((t) => t !== '');
  const [name, value, domain, expires, path, secure, httponly, samesite] = tokens;
  if (name === undefined || value === undefined || domain === undefined) return;
  let main = r;
  while (main.main !== null) main = main.main;
  const key = `mod_rewrite:cookie:${name}_rewrite`;
  if (main.poolData.has(key)) return;
  let expiry = '';
  if (expires !== undefined) {
    const minutes = parseInt(expires, 10) || 0;
    if (minutes !== 0) expiry = `; expires=${cookieDate(new Date(r.services.now().getTime() + minutes * 60000))}`;
  }
  // add_cookie builds the value with apr_pstrcat, which stops at its first NULL argument: without
  // a lifetime nothing after the domain is added, and "secure" off also drops HttpOnly.
  let cookie = `${name}=${value}; path=${path ?? '/'}; domain=${domain}`;
  if (expires !== undefined) {
    cookie += expiry;
    if (isOn(secure, 'secure')) {
      cookie += '; secure';
      if (isOn(httponly, 'HttpOnly')) cookie += '; HttpOnly';
    }
  }
  if (samesite !== undefined && samesite !== '0' && samesite.toLowerCase() !== 'false') cookie += `; SameSite=${samesite}`;
  main.errHeadersOut.add('Set-Cookie', cookie);
  main.poolData.set(key, true);
}
