/**
 * The site the hostile suites attack: a temporary ServerRoot with an Apache 2.4 httpd.conf in the
 * shape of the bundled example (docroot granted with AllowOverride All, `/` denied, `.ht*` denied),
 * the seed's Smooth Streaming .htaccess in `video/`, a PHP script whose source must never leave, and
 * sentinel secrets planted where only a traversal could reach them: beside the docroot
 * (`ROOT/secret.txt`, i.e. `/../secret.txt`) and in a sibling folder (`ROOT/outside/secret.txt`).
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from './serve-under-test';
import { siteHttpdConf } from '../../helpers/site-httpd-conf';

/** Strings that must never appear in any response body. */
export const SECRET_BESIDE_DOCROOT = 'SENTINEL-beside-docroot-7c41d2';
export const SECRET_OUTSIDE = 'SENTINEL-outside-9ab3e0';
export const SCRIPT_SECRET = 'SENTINEL-php-source-db-password';


export interface HostileSite {
  readonly root: string;
  readonly docroot: string;
  readonly httpdConf: string;
  readonly yaml: string;
}

export interface HostileSiteOptions {
  /** Extra lines of the `limits:` mapping of smoothgate.yaml (INTERFACE.md §3), e.g. `headersTimeout: 1s`. */
  readonly limits?: readonly string[];
  /** Extra top-level httpd.conf lines (after the default sections). */
  readonly httpdExtra?: readonly string[];
}

/** The seed .htaccess of the bundled example: the original module's Smooth Streaming rules. */
export function seedHtaccess(): string {
  return readFileSync(join(PROJECT_ROOT, 'conf', 'example', 'htdocs', '.htaccess'), 'utf8');
}

/** The sample MP4 committed with the example (small, moov first). */
export const SAMPLE_MP4 = join(PROJECT_ROOT, 'conf', 'example', 'htdocs', 'video.mp4');

export function makeHostileSite(options: HostileSiteOptions = {}): HostileSite {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'sg-hostile-')));
  const docroot = join(root, 'htdocs');
  for (const dir of ['sub', 'video']) mkdirSync(join(docroot, dir), { recursive: true });
  mkdirSync(join(root, 'outside'), { recursive: true });
  writeFileSync(join(root, 'secret.txt'), SECRET_BESIDE_DOCROOT);
  // Bait for the streaming handler: an .mp4 beside the docroot (a plain `X.mp4` answer is the file).
  writeFileSync(join(root, 'secret.mp4'), SECRET_BESIDE_DOCROOT);
  writeFileSync(join(root, 'outside', 'secret.txt'), SECRET_OUTSIDE);
  writeFileSync(join(docroot, 'a.txt'), 'public a');
  writeFileSync(join(docroot, 'sub', 'a.txt'), 'public sub a');
  writeFileSync(join(docroot, 'index.php'), `<?php $pw = "${SCRIPT_SECRET}"; ?>`);
  writeFileSync(join(docroot, '.htpasswd'), `admin:${SECRET_OUTSIDE}`);
  writeFileSync(join(docroot, 'video', '.htaccess'), seedHtaccess());
  copyFileSync(SAMPLE_MP4, join(docroot, 'video', 'clip.mp4'));
  writeFileSync(join(root, 'mime.types'), 'text/plain txt\ntext/html html\nvideo/mp4 mp4\napplication/x-httpd-php php\n');
  const httpdConf = join(root, 'httpd.conf');
  writeFileSync(
    httpdConf,
    siteHttpdConf({
      serverRoot: root,
      serverName: 'www.example.com',
      typesConfig: 'mime.types',
      documentRoot: docroot,
      options: 'FollowSymLinks',
      beforeDirectories: ['AddHandler application/x-httpd-php .php'],
      extra: ['<FilesMatch "^\\.ht">\n  Require all denied\n</FilesMatch>', ...(options.httpdExtra ?? [])],
    }),
  );
  const yaml = join(root, 'smoothgate.yaml');
  writeFileSync(
    yaml,
    ['httpdConf: httpd.conf', 'log:', '  access: off', ...(options.limits?.length ? ['limits:', ...options.limits.map((l) => `  ${l}`)] : []), ''].join('\n'),
  );
  return { root, docroot, httpdConf, yaml };
}

/** True when `body` holds any planted secret or the script's source. */
export function leaksSecret(body: Buffer | string): boolean {
  const text = typeof body === 'string' ? body : body.toString('latin1');
  return text.includes(SECRET_BESIDE_DOCROOT) || text.includes(SECRET_OUTSIDE) || text.includes(SCRIPT_SECRET);
}
