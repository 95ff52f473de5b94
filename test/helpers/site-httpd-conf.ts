/**
 * The httpd.conf of a test site that smoothgate loads (and that real Apache would accept): the
 * modules, a ServerRoot, the mime.types, a DocumentRoot whose `<Directory>` allows .htaccess files
 * while `<Directory />` denies the rest of the disk (Debian's default layout, apache2.conf), and
 * whatever lines a suite adds. One builder for the suites' sites, so a change of the common layout
 * is made once.
 */

/** Debian's module folder (apache2 package). */
export const APACHE_MODULES_DIR = '/usr/lib/apache2/modules';

/** What the seed's rules and the streaming handlers need. */
export const SITE_MODULES: readonly string[] = ['authz_core', 'mime', 'dir', 'alias', 'rewrite', 'headers'];

export interface SiteHttpdConf {
  readonly documentRoot: string;
  /** `TypesConfig` value, relative to ServerRoot or absolute. */
  readonly typesConfig: string;
  readonly serverRoot?: string;
  readonly serverName?: string;
  readonly modules?: readonly string[];
  /** `Options` of both `<Directory>` blocks (e.g. `FollowSymLinks`); none when absent. */
  readonly options?: string;
  /** Lines between the module list and ServerName (e.g. an AddHandler). */
  readonly beforeDirectories?: readonly string[];
  /** Lines after the `<Directory>` blocks. */
  readonly extra?: readonly string[];
}

export function siteHttpdConf(site: SiteHttpdConf): string {
  const options = site.options ? [`  Options ${site.options}`] : [];
  return [
    ...(site.modules ?? SITE_MODULES).map((m) => `LoadModule ${m}_module ${APACHE_MODULES_DIR}/mod_${m}.so`),
    ...(site.serverRoot ? [`ServerRoot "${site.serverRoot}"`] : []),
    `ServerName ${site.serverName ?? 'localhost'}`,
    `TypesConfig "${site.typesConfig}"`,
    `DocumentRoot "${site.documentRoot}"`,
    ...(site.beforeDirectories ?? []),
    '<Directory />',
    ...options,
    '  AllowOverride None',
    '  Require all denied',
    '</Directory>',
    `<Directory "${site.documentRoot}">`,
    ...options,
    '  AllowOverride All',
    '  Require all granted',
    '</Directory>',
    ...(site.extra ?? []),
    '',
  ].join('\n');
}
