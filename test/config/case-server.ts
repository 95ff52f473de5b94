/**
 * Builds a conformance case's ServerRoot as ../shared/tools/rewrite-oracle/README.md ("Per-case
 * server setup") describes, for loading with our reader. Test helper only.
 */
import { mkdirSync, mkdtempSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export interface CaseLike {
  readonly id: string;
  readonly modules?: string[];
  readonly conf: string;
  readonly files: Record<string, string | { content?: string; mode?: string; symlink?: string }>;
  readonly expected: { kind: string } | null;
}

export const MIME_TYPES = `text/html               html htm
text/plain              txt
text/css                css
text/javascript         js
application/json        json
application/xml         xml
image/png               png
image/jpeg              jpg jpeg
image/gif               gif
image/svg+xml           svg
video/mp4               mp4
video/ismv              ismv
application/vnd.ms-sstr+xml  ism
application/x-httpd-php php
application/octet-stream bin
`;

const BASE_MODULES = ['mpm_prefork', 'authz_core', 'mime', 'dir', 'alias', 'rewrite', 'headers', 'env', 'proxy', 'proxy_http'];

export function moduleSet(edits: readonly string[] = []): string[] {
  const set = [...BASE_MODULES];
  for (const edit of edits) {
    if (edit.startsWith('-')) {
      const name = edit.slice(1);
      if (name !== 'mpm_prefork') set.splice(set.indexOf(name) >>> 0, set.includes(name) ? 1 : 0);
    } else {
      const name = edit.replace(/^\+/, '');
      if (!set.includes(name)) set.push(name);
    }
  }
  return set;
}

export function buildCaseRoot(c: CaseLike, modulesDir = '/usr/lib/apache2/modules'): { root: string; httpdConf: string } {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'sg-case-')));
  const sub = (text: string): string =>
    text.replace(/@DOCROOT@/g, `${root}/htdocs`).replace(/@ROOT@/g, root).replace(/@BACKEND@/g, '127.0.0.1:9').replace(/@PORT@/g, '8080');
  mkdirSync(join(root, 'htdocs'));
  writeFileSync(join(root, 'mime.types'), MIME_TYPES);
  for (const [path, value] of Object.entries(c.files)) {
    const full = join(root, path);
    if (path.endsWith('/') || (typeof value === 'object' && Object.keys(value).length === 0)) {
      mkdirSync(full, { recursive: true });
      continue;
    }
    mkdirSync(dirname(full), { recursive: true });
    if (typeof value === 'string') writeFileSync(full, sub(value));
    else if (value.symlink !== undefined) symlinkSync(sub(value.symlink), full);
    else writeFileSync(full, sub(value.content ?? ''), { mode: parseInt(value.mode ?? '0644', 8) });
  }
  const mods = moduleSet(c.modules);
  const conf = [
    `ServerRoot "${root}"`,
    `PidFile "${root}/httpd.pid"`,
    `DefaultRuntimeDir "${root}"`,
    `Mutex file:${root} default`,
    'Listen 127.0.0.1:8080',
    ...mods.map((m) => `LoadModule ${m}_module "${modulesDir}/mod_${m}.so"`),
    'ServerName www.example.com',
    `ErrorLog "${root}/error.log"`,
    mods.includes('rewrite') ? 'LogLevel warn rewrite:trace8' : 'LogLevel warn',
    'KeepAlive Off',
    'Timeout 20',
    '<IfModule mime_module>',
    `  TypesConfig "${root}/mime.types"`,
    '</IfModule>',
    `DocumentRoot "${root}/htdocs"`,
    '<Directory />',
    '  Options FollowSymLinks',
    '  AllowOverride None',
    '  <IfModule authz_core_module>',
    '    Require all denied',
    '  </IfModule>',
    '</Directory>',
    `<Directory "${root}/htdocs">`,
    '  Options FollowSymLinks',
    '  AllowOverride All',
    '  <IfModule authz_core_module>',
    '    Require all granted',
    '  </IfModule>',
    '</Directory>',
    '<FilesMatch "^\\.ht">',
    '  <IfModule authz_core_module>',
    '    Require all denied',
    '  </IfModule>',
    '</FilesMatch>',
    'LogFormat "ORACLE\\t%>s\\t%>U" oracle',
    `CustomLog "${root}/oracle.log" oracle`,
    '# ---- case conf ----',
    sub(c.conf),
    '',
  ].join('\n');
  const httpdConf = join(root, 'httpd.conf');
  writeFileSync(httpdConf, conf);
  return { root, httpdConf };
}
