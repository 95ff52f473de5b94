/**
 * The IIS server manifest (`X.ism`, SMIL 2.0; SPEC-NOTES §2.6): `<switch>` of `<video>` / `<audio>`
 * elements, each with `src` (a file beside the .ism), `systemBitrate` (the number `QualityLevels(N)`
 * names and the client manifest's Bitrate) and an optional `<param name="trackID" value="N"/>` naming
 * the track inside the file. `<textstream>` and other params (trackName, FourCC, …) are ignored: the
 * client manifest is regenerated from the media, never copied from `.ismc` (SPEC-NOTES §2.6 "Client
 * manifest"). An unreadable or empty server manifest answers 404, as the original's `ism_init` failure did
 * (SPEC-NOTES §1.1 status table).
 */
import { isAbsolute, join, normalize, sep } from 'node:path';
import { SgError } from '../../errors';

export interface ServerManifestEntry {
  readonly type: 'video' | 'audio';
  /** As written (relative to the .ism's folder). */
  readonly src: string;
  readonly systemBitrateBps: number;
  readonly trackId?: number;
}

const NAME_START = /[A-Za-z_:]/;
const NAME_CHAR = /[-\w:.]/;

function decodeEntities(value: string): string {
  return value.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');
}

/**
 * `name="value"` / `name='value'` pairs of one tag, scanned once from left to right. (A regex did this
 * before: on a long run of name characters without `=` it backtracked quadratically, and a 1 MiB .ism of
 * one such tag held the event loop for minutes.)
 */
function attributesOf(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  let at = 0;
  while (at < text.length) {
    const equals = text.indexOf('=', at);
    if (equals < 0) break;
    // The name: the run of name characters just before `=` (spaces allowed between), from its first
    // character that may start a name.
    let nameEnd = equals;
    while (nameEnd > at && /\s/.test(text[nameEnd - 1]!)) nameEnd--;
    let nameStart = nameEnd;
    while (nameStart > at && NAME_CHAR.test(text[nameStart - 1]!)) nameStart--;
    while (nameStart < nameEnd && !NAME_START.test(text[nameStart]!)) nameStart++;
    let valueAt = equals + 1;
    while (valueAt < text.length && /\s/.test(text[valueAt]!)) valueAt++;
    const quote = text[valueAt];
    if (quote !== '"' && quote !== "'") {
      at = equals + 1;
      continue;
    }
    const valueEnd = text.indexOf(quote, valueAt + 1);
    if (valueEnd < 0) break;
    if (nameStart < nameEnd) out[text.slice(nameStart, nameEnd)] = decodeEntities(text.slice(valueAt + 1, valueEnd));
    at = valueEnd + 1;
  }
  return out;
}

interface Tag {
  /** Lower-cased element name. */
  readonly name: string;
  readonly closing: boolean;
  readonly selfClosing: boolean;
  readonly attributes: string;
}

/**
 * The tags of the text in order, comments skipped, in one pass: each `<` is matched with the next `>`
 * by indexOf and the scan moves past it, so no text is read twice (the regexes this replaces rescanned
 * to the end of the text from every `<video` or `<!--` without an end: quadratic on a hostile .ism).
 */
function tagsOf(text: string): Tag[] {
  const tags: Tag[] = [];
  let at = 0;
  for (;;) {
    const open = text.indexOf('<', at);
    if (open < 0) break;
    if (text.startsWith('<!--', open)) {
      const end = text.indexOf('-->', open + 4);
      if (end < 0) break;
      at = end + 3;
      continue;
    }
    const close = text.indexOf('>', open + 1);
    if (close < 0) break;
    at = close + 1;
    let inner = text.slice(open + 1, close);
    const closing = inner.startsWith('/');
    if (closing) inner = inner.slice(1);
    const selfClosing = inner.endsWith('/');
    if (selfClosing) inner = inner.slice(0, -1);
    let nameEnd = 0;
    if (!NAME_START.test(inner[0] ?? '')) continue;
    while (nameEnd < inner.length && NAME_CHAR.test(inner[nameEnd]!)) nameEnd++;
    tags.push({ name: inner.slice(0, nameEnd).toLowerCase(), closing, selfClosing, attributes: inner.slice(nameEnd) });
  }
  return tags;
}

export function parseServerManifest(text: string, file: string): ServerManifestEntry[] {
  const fail = (detail: string) => new SgError('SG_ERR_STREAM_SERVER_MANIFEST', { file, detail });
  if (!/<smil[\s>]/i.test(text)) throw fail('not a SMIL document');
  const entries: ServerManifestEntry[] = [];
  const tags = tagsOf(text);
  // Index of the next `</video>` / `</audio>` at or after each tag, found in one backward pass.
  const nextClose = { video: new Int32Array(tags.length + 1).fill(-1), audio: new Int32Array(tags.length + 1).fill(-1) };
  for (let i = tags.length - 1; i >= 0; i--) {
    for (const name of ['video', 'audio'] as const) nextClose[name][i] = tags[i]!.closing && tags[i]!.name === name ? i : nextClose[name][i + 1]!;
  }
  for (let i = 0; i < tags.length; i++) {
    const tag = tags[i]!;
    if (tag.closing || (tag.name !== 'video' && tag.name !== 'audio')) continue;
    const type: 'video' | 'audio' = tag.name;
    let trackId: number | undefined;
    if (!tag.selfClosing) {
      // Params up to this element's end tag; an element never closed is not an entry (as before).
      const end = nextClose[type][i + 1]!;
      if (end < 0) continue;
      for (let k = i + 1; k < end; k++) {
        const inner = tags[k]!;
        if (inner.closing || inner.name !== 'param') continue;
        const param = attributesOf(inner.attributes);
        if (param.name?.toLowerCase() === 'trackid' && /^[0-9]+$/.test(param.value ?? '')) trackId = Number(param.value);
      }
      i = end;
    }
    const attributes = attributesOf(tag.attributes);
    const src = attributes.src;
    const bitrate = Number(attributes.systemBitrate);
    if (!src || !Number.isSafeInteger(bitrate) || bitrate <= 0) throw fail(`<${tag.name}> without src or a positive systemBitrate`);
    entries.push({ type, src, systemBitrateBps: bitrate, ...(trackId !== undefined ? { trackId } : {}) });
  }
  if (entries.length === 0) throw fail('no <video> or <audio> element');
  return entries;
}

/**
 * The file a server manifest entry names, inside the manifest's own folder. IIS resolves `src` relative
 * to the .ism (SPEC-NOTES §2.6); a `src` that climbs out with `..`, is absolute, or holds a control
 * character would let an uploaded .ism serve any file of the machine outside the mapped roots (issue 6
 * "never a file outside the mapped roots"), so it is refused like any other broken server manifest (404).
 */
export function sourcePathOf(ismFolder: string, src: string, file: string): string {
  const relative = src.replace(/\\/g, '/');
  const fail = (detail: string) => new SgError('SG_ERR_STREAM_SERVER_MANIFEST', { file, detail });
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(relative)) throw fail('src holds a control character');
  if (isAbsolute(relative) || /^[A-Za-z]:/.test(relative)) throw fail(`src ${relative.slice(0, 128)} is not relative to the server manifest`);
  const path = normalize(join(ismFolder, relative));
  const folder = normalize(ismFolder).replace(/[\\/]+$/, '');
  if (!path.startsWith(folder + sep)) throw fail(`src ${relative.slice(0, 128)} leaves the server manifest's folder`);
  return path;
}

/** The SMIL text our mp4split writes (and IIS reads), for `entries` and the client manifest's name. */
export function writeServerManifest(entries: readonly ServerManifestEntry[], clientManifestName: string): string {
  const esc = (v: string) => v.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  let out = '<?xml version="1.0" encoding="utf-8"?>\n<smil xmlns="http://www.w3.org/2001/SMIL20/Language">\n  <head>\n';
  out += `    <meta name="clientManifestRelativePath" content="${esc(clientManifestName)}"/>\n  </head>\n  <body>\n    <switch>\n`;
  for (const e of entries) {
    out += `      <${e.type} src="${esc(e.src)}" systemBitrate="${e.systemBitrateBps}">\n`;
    out += `        <param name="trackID" value="${e.trackId ?? 1}" valuetype="data"/>\n`;
    out += `      </${e.type}>\n`;
  }
  return `${out}    </switch>\n  </body>\n</smil>\n`;
}
