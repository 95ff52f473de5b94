/**
 * How one `ErrorDocument CODE TEXT` line is read (httpd server/core.c `set_error_document`; doc:
 * core.html#errordocument, custom-error.html): the code must have a slot of its own in Apache's status
 * table (500 itself is the only code of the 500 slot, `atoi` reads the number); TEXT is a message
 * when it contains a space, a local URL when it starts with '/', a full URL when ap_is_url says so,
 * else a message again. A message is stored with a leading `"` — the mark ap_die and
 * ap_send_error_response tell it by — and every stored value is a string expression (2.4.13+).
 * `default` brings back the built-in page (stored as such, so it also overrides an inherited one).
 */
import { responseSlot } from '../status-lines';
import { atoi, fail } from './define';

export type ErrorDocumentSetting =
  | { readonly kind: 'default'; readonly status: number }
  | { readonly kind: 'response'; readonly status: number; readonly response: string }
  /** A full URL for 401: Apache logs AH00113 and ignores the line. */
  | { readonly kind: 'ignored'; readonly status: number };

/** util.c `ap_is_url`: at least one of [A-Za-z0-9+.-], then ':'. */
export function isAbsoluteUrl(text: string): boolean {
  return /^[A-Za-z0-9+.-]+:/.test(text);
}

export function errorDocumentSetting(code: string, text: string): ErrorDocumentSetting {
  const status = atoi(code);
  if (status !== 500 && responseSlot(status) === 500) throw fail(`Unsupported HTTP response code ${code}`);
  const kind = text.includes(' ') ? 'message' : text.startsWith('/') ? 'local' : isAbsoluteUrl(text) ? 'url' : 'message';
  if (status === 401 && kind === 'url') return { kind: 'ignored', status };
  if (text.toLowerCase() === 'default') return { kind: 'default', status };
  return { kind: 'response', status, response: kind === 'message' ? `"${text}` : text };
}
