/**
 * The site the load and fault suites serve: a temporary copy of the bundled example's media and seed
 * .htaccess (the Smooth Streaming rules of a 2009 mod_h264_streaming site), an httpd.conf as such a
 * site had it, and a smoothgate.yaml with the backend settings the suite needs. Removed when the
 * test ends.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { PROJECT_ROOT } from './serve-under-test';
import { SITE_MODULES, siteHttpdConf } from '../../helpers/site-httpd-conf';

const EXAMPLE = join(PROJECT_ROOT, 'conf', 'example');

export interface TestSiteOptions {
  /** `backend:` block of smoothgate.yaml (YAML text, indented by two), or null for none. */
  readonly backendYaml?: string | null;
  /** Extra httpd.conf lines (ProxyPass …). */
  readonly httpdConfLines?: readonly string[];
}

export interface TestSite {
  readonly dir: string;
  readonly docroot: string;
  readonly configPath: string;
  readonly httpdConfPath: string;
  /** Arguments for `smoothgate serve` (see startServeUnderTest). */
  readonly serveArgs: readonly string[];
}

/** The bundled sample: 10 s H.264 + AAC, keyframe every 2 s (conf/example/make-sample.sh). */
export const SAMPLE_MEDIA = 'video.mp4';

export function makeTestSite(t: TestContext, options: TestSiteOptions = {}): TestSite {
  const dir = mkdtempSync(join(tmpdir(), 'sg-reliability-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const docroot = join(dir, 'htdocs');
  mkdirSync(docroot);
  copyFileSync(join(EXAMPLE, 'htdocs', SAMPLE_MEDIA), join(docroot, SAMPLE_MEDIA));
  copyFileSync(join(EXAMPLE, 'htdocs', '.htaccess'), join(docroot, '.htaccess'));
  copyFileSync(join(EXAMPLE, 'mime.types'), join(dir, 'mime.types'));
  const httpdConfPath = join(dir, 'httpd.conf');
  writeFileSync(
    httpdConfPath,
    siteHttpdConf({
      modules: ['mpm_event', ...SITE_MODULES, 'proxy', 'proxy_http'],
      typesConfig: join(dir, 'mime.types'),
      documentRoot: docroot,
      extra: options.httpdConfLines,
    }),
  );
  const configPath = join(dir, 'smoothgate.yaml');
  writeFileSync(
    configPath,
    [
      `httpdConf: "${httpdConfPath}"`,
      // The access log would be megabytes under load; the suites read the event log (stderr).
      'log:',
      '  access: "off"',
      ...(options.backendYaml ? ['backend:', options.backendYaml] : []),
      '',
    ].join('\n'),
  );
  return { dir, docroot, configPath, httpdConfPath, serveArgs: ['--config', configPath] };
}
