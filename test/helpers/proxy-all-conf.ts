/**
 * A minimal httpd.conf whose routing sends every request to `backendUrl` (ProxyPass /), for tests
 * that exercise the gateway's proxy and process behaviour through the real routing core.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function proxyAllHttpdConf(backendUrl: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'sg-conf-'));
  const file = join(dir, 'httpd.conf');
  writeFileSync(
    file,
    [
      'LoadModule authz_core_module /usr/lib/apache2/modules/mod_authz_core.so',
      'LoadModule proxy_module /usr/lib/apache2/modules/mod_proxy.so',
      'LoadModule proxy_http_module /usr/lib/apache2/modules/mod_proxy_http.so',
      'ServerName localhost',
      `DocumentRoot "${dir}"`,
      `ProxyPass / ${backendUrl.replace(/\/$/, '')}/`,
      '',
    ].join('\n'),
  );
  return file;
}
