/**
 * The routing core keeps paths as binary strings, one char per byte of the decoded URL
 * (`ap_unescape_url` works on bytes; src/routing/uri.ts), and its file-system view hands them to
 * the kernel as those bytes. The handlers and the static sender open files through node:fs with
 * ordinary strings, which node encodes as UTF-8: they must get the path as the text those bytes
 * spell, or `/%C3%A9.mp4` would open "Ã©.mp4" instead of "é.mp4". Byte sequences that are not
 * UTF-8 become U+FFFD and are simply not found (a file name in another encoding is a 404 here
 * where Apache, byte-transparent, would serve it; see README "Known differences").
 */
import { fromBinary } from '../routing/uri';

export function withNativePaths<D extends { readonly path: string; readonly filename: string | null }>(decision: D): D {
  const path = fromBinary(decision.path);
  const filename = decision.filename === null ? null : fromBinary(decision.filename);
  return path === decision.path && filename === decision.filename ? decision : { ...decision, path, filename };
}
