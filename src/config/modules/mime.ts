/**
 * mod_mime (httpd modules/http/mod_mime.c): extension mappings with Apache's merge — the child's
 * entries overlay the parent's field by field (overlay_extension_mappings), then the child's
 * Remove* directives clear fields of the merged table (remove_items), and are not inherited
 * further. RemoveType records an empty type, as Apache does, so TypesConfig is overridden too.
 * Values and extensions are lower-cased; a leading '.' of an extension is dropped.
 */
import { NOT_IN_LOCATION } from '../context-flags';
import type { CmdParms, DirectiveDef, ModuleDef } from '../module';
import type { ExtensionInfo, MimeDirConf, MimeServerConf } from '../records';
import { RSRC, directive, ignored, orClass, rootRelative } from './define';

type MimeDirective = DirectiveDef<MimeServerConf, MimeDirConf>;
type Field = keyof ExtensionInfo;
type RemoveField = 'removeTypes' | 'removeHandlers' | 'removeEncodings' | 'removeCharsets' | 'removeLanguages' | 'removeOutputFilters';

function normaliseExtension(ext: string): string {
  return (ext.startsWith('.') ? ext.slice(1) : ext).toLowerCase();
}

function setField(dir: MimeDirConf, ext: string, field: Field, value: string): void {
  const key = normaliseExtension(ext);
  const next = new Map(dir.extensions);
  next.set(key, { ...(next.get(key) ?? {}), [field]: value.toLowerCase() });
  dir.extensions = next;
}

function queueRemove(dir: MimeDirConf, ext: string, field: RemoveField): void {
  const next = new Set(dir[field]);
  next.add(normaliseExtension(ext));
  dir[field] = next;
}

const REMOVES: ReadonlyArray<readonly [RemoveField, Field]> = [
  ['removeTypes', 'forcedType'],
  ['removeHandlers', 'handler'],
  ['removeEncodings', 'encoding'],
  ['removeCharsets', 'charset'],
  ['removeLanguages', 'language'],
  ['removeOutputFilters', 'outputFilters'],
];

function createMimeDirConf(): MimeDirConf {
  return {
    extensions: new Map(),
    removeTypes: new Set(),
    removeHandlers: new Set(),
    removeEncodings: new Set(),
    removeCharsets: new Set(),
    removeLanguages: new Set(),
    removeOutputFilters: new Set(),
    defaultLanguage: undefined,
    useMimePathInfo: undefined,
  };
}

/** merge_mime_dir_configs. */
const NO_REMOVALS: ReadonlySet<string> = new Set();

function hasRemovals(dir: MimeDirConf): boolean {
  return REMOVES.some(([field]) => dir[field].size > 0);
}

export function mergeMimeDirConf(base: MimeDirConf, add: MimeDirConf): MimeDirConf {
  // Maps are never mutated once built, so an unchanged side is shared, not copied (merges run
  // per request level and Debian's mime.conf maps hundreds of extensions).
  const removals = hasRemovals(add);
  let extensions: Map<string, Readonly<ExtensionInfo>>;
  if (base.extensions.size === 0) extensions = removals ? new Map(add.extensions) : (add.extensions as Map<string, Readonly<ExtensionInfo>>);
  else if (add.extensions.size === 0) extensions = removals ? new Map(base.extensions) : (base.extensions as Map<string, Readonly<ExtensionInfo>>);
  else {
    extensions = new Map(base.extensions);
    for (const [ext, info] of add.extensions) {
      const merged: ExtensionInfo = { ...(extensions.get(ext) ?? {}) };
      for (const [field, value] of Object.entries(info) as Array<[Field, string | undefined]>) if (value !== undefined) merged[field] = value;
      extensions.set(ext, merged);
    }
  }
  for (const [removeField, field] of removals ? REMOVES : []) {
    for (const ext of add[removeField]) {
      const info = extensions.get(ext);
      if (info && info[field]) {
        const copy: ExtensionInfo = { ...info };
        delete copy[field];
        extensions.set(ext, copy);
      }
    }
  }
  return {
    extensions,
    removeTypes: NO_REMOVALS,
    removeHandlers: NO_REMOVALS,
    removeEncodings: NO_REMOVALS,
    removeCharsets: NO_REMOVALS,
    removeLanguages: NO_REMOVALS,
    removeOutputFilters: NO_REMOVALS,
    defaultLanguage: add.defaultLanguage ?? base.defaultLanguage,
    useMimePathInfo: add.useMimePathInfo ?? base.useMimePathInfo,
  };
}

function addInfo(name: string, field: Field, help: string, check?: (p: CmdParms, value: string) => void): MimeDirective {
  return directive(name, orClass('FileInfo'), 'iterate2', help, (p, dir, _s, [value, ext]) => {
    check?.(p, value as string);
    setField(dir, ext as string, field, value as string);
  });
}

function removeInfo(name: string, field: RemoveField, help: string): MimeDirective {
  return directive(name, orClass('FileInfo'), 'iterate', help, (_p, dir, _s, [ext]) => queueRemove(dir, ext as string, field));
}

/** Parse a mime.types file: `type ext1 ext2 …`, '#' comments (mod_mime.c mime_post_config). */
export function parseTypesFile(text: string): Map<string, string> {
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const [type, ...exts] = trimmed.split(/\s+/);
    for (const ext of exts) types.set(ext.toLowerCase(), (type as string).toLowerCase());
  }
  return types;
}

const DIRECTIVES: MimeDirective[] = [
  addInfo('AddCharset', 'charset', 'a charset (e.g., iso-2022-jp), followed by one or more file extensions', (p) => p.note?.('ignored', 'AddCharset: charset parameters are recorded; negotiation is not emulated')),
  addInfo('AddEncoding', 'encoding', 'an encoding (e.g., gzip), followed by one or more file extensions'),
  addInfo('AddHandler', 'handler', 'a handler name followed by one or more file extensions', (p, value) => {
    if (/^(cgi-script|php|proxy:|fcgid|application\/x-httpd-php)/i.test(value)) p.backendOnly?.(`AddHandler ${value}`);
  }),
  addInfo('AddInputFilter', 'outputFilters', 'input filter name (or ; delimited names) followed by one or more file extensions'),
  addInfo('AddLanguage', 'language', 'a language (e.g., fr), followed by one or more file extensions'),
  addInfo('AddOutputFilter', 'outputFilters', 'output filter name (or ; delimited names) followed by one or more file extensions', (p, value) => {
    if (value.split(';').some((f) => f !== '' && f.toUpperCase() !== 'DEFLATE')) p.backendOnly?.(`AddOutputFilter ${value}`);
  }),
  addInfo('AddType', 'forcedType', 'a mime type followed by one or more file extensions'),
  directive('DefaultLanguage', orClass('FileInfo'), 'take1', 'language to use for documents with no other language file extension', (_p, dir, _s, [v]) => {
    dir.defaultLanguage = v as string;
  }),
  ignored('MultiviewsMatch', orClass('FileInfo'), 'iterate', 'MultiViews is not emulated', { notIn: NOT_IN_LOCATION }),
  removeInfo('RemoveCharset', 'removeCharsets', 'one or more file extensions'),
  removeInfo('RemoveEncoding', 'removeEncodings', 'one or more file extensions'),
  removeInfo('RemoveHandler', 'removeHandlers', 'one or more file extensions'),
  removeInfo('RemoveInputFilter', 'removeOutputFilters', 'one or more file extensions'),
  removeInfo('RemoveLanguage', 'removeLanguages', 'one or more file extensions'),
  removeInfo('RemoveOutputFilter', 'removeOutputFilters', 'one or more file extensions'),
  directive('RemoveType', orClass('FileInfo'), 'iterate', 'one or more file extensions', (_p, dir, _s, [ext]) => {
    setField(dir, ext as string, 'forcedType', '');
    queueRemove(dir, ext as string, 'removeTypes');
  }),
  directive('TypesConfig', RSRC, 'take1', 'the MIME types config file', (p, _d, s, [v]) => {
    s.typesConfigPath = rootRelative(p, v as string);
  }),
  directive('ModMimeUsePathInfo', { server: false, sections: true }, 'flag', 'Set to \'yes\' to allow mod_mime to use path info for type checking', (_p, dir, _s, [v]) => {
    dir.useMimePathInfo = v === 'on';
  }),
];

export const mimeModule: ModuleDef<MimeServerConf, MimeDirConf> = {
  id: 'mime_module',
  sourceName: 'mod_mime.c',
  createServerConfig: () => ({ types: new Map(), typesConfigPath: undefined }),
  mergeServerConfig: (base, vhost) => ({ types: base.types, typesConfigPath: vhost.typesConfigPath ?? base.typesConfigPath }),
  createDirConfig: createMimeDirConf,
  mergeDirConfig: mergeMimeDirConf,
  directives: DIRECTIVES,
};
