/**
 * A throw-away site for the media suites, under os.tmpdir(): an Apache 2.4 httpd.conf as a 2009
 * mod_h264_streaming site had it, the seed's .htaccess rules from conf/example (so Smooth URLs reach the
 * handler through the site's own rewrites, INTERFACE §5.2), `.ism` mapped to `smooth-streaming` for the
 * IIS layout (INTERFACE §1), and a smoothgate.yaml for the keys a suite needs (e.g. a tiny index cache).
 */
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from './serve-under-test';
import { siteHttpdConf } from '../../helpers/site-httpd-conf';


export interface MediaSite {
  readonly root: string;
  readonly htdocs: string;
  /** `serve` arguments for this site. */
  readonly args: readonly string[];
}

/** `yaml` is extra smoothgate.yaml text (e.g. `streaming:\n  indexCacheBytes: 64KiB\n`). */
export function makeMediaSite(prefix: string, yaml = ''): MediaSite {
  const root = realpathSync(mkdtempSync(join(tmpdir(), prefix)));
  const htdocs = join(root, 'htdocs');
  mkdirSync(htdocs, { recursive: true });
  writeFileSync(join(root, 'mime.types'), 'video/mp4 mp4 ismv\naudio/mp4 isma\ntext/plain txt\n');
  writeFileSync(join(root, 'httpd.conf'), siteHttpdConf({ serverRoot: root, typesConfig: 'mime.types', documentRoot: htdocs }));
  const seedRules = readFileSync(join(PROJECT_ROOT, 'conf', 'example', 'htdocs', '.htaccess'), 'utf8');
  writeFileSync(join(htdocs, '.htaccess'), `${seedRules.trimEnd()}\nAddHandler smooth-streaming.extensions .ism\n`);
  writeFileSync(join(root, 'smoothgate.yaml'), `httpdConf: httpd.conf\nlog:\n  access: "off"\n${yaml}`);
  return { root, htdocs, args: ['--config', join(root, 'smoothgate.yaml')] };
}

/**
 * A folder for an IIS-layout set: the seed's QualityLevels rules would rewrite `X.ism/QualityLevels(N)/…`
 * into the 2009 form, so the folder turns rewriting off and the path info reaches the IIS handler.
 */
export function makeIisFolder(site: MediaSite, name: string): string {
  const folder = join(site.htdocs, name);
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, '.htaccess'), 'RewriteEngine Off\n');
  return folder;
}
