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

function attributesOf(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of text.matchAll(/([A-Za-z_:][-\w:.]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) out[m[1]!] = (m[2] ?? m[3] ?? '').replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');
  return out;
}

export function parseServerManifest(text: string, file: string): ServerManifestEntry[] {
  const fail = (detail: string) => new SgError('SG_ERR_STREAM_SERVER_MANIFEST', { file, detail });
  if (!/<smil[\s>]/i.test(text)) throw fail('not a SMIL document');
  const body = text.replace(/<!--[\s\S]*?-->/g, '');
  const entries: ServerManifestEntry[] = [];
  for (const m of body.matchAll(/<(video|audio)\b([^>]*?)(?:\/>|>([\s\S]*?)<\/\1\s*>)/gi)) {
    const attributes = attributesOf(m[2]!);
    const src = attributes.src;
    const bitrate = Number(attributes.systemBitrate);
    if (!src || !Number.isSafeInteger(bitrate) || bitrate <= 0) throw fail(`<${m[1]}> without src or a positive systemBitrate`);
    let trackId: number | undefined;
    for (const p of (m[3] ?? '').matchAll(/<param\b([^>]*?)\/?>/gi)) {
      const param = attributesOf(p[1]!);
      if (param.name?.toLowerCase() === 'trackid' && /^[0-9]+$/.test(param.value ?? '')) trackId = Number(param.value);
    }
    entries.push({ type: m[1]!.toLowerCase() as 'video' | 'audio', src, systemBitrateBps: bitrate, ...(trackId !== undefined ? { trackId } : {}) });
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
