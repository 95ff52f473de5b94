/**
 * Debian's layout: the envvars file and the real /etc/apache2/apache2.conf of this machine.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { aliasServer, coreServer, dirDir, loadConfigReport, mimeServer } from '../../src/config';
import { parseEnvvars } from '../../src/config/envvars';
import { tempConf } from './temp-conf';

const DEBIAN_ENVVARS = `# envvars - default environment variables for apache2ctl
unset HOME
if [ "\${APACHE_CONFDIR##/etc/apache2-}" != "\${APACHE_CONFDIR}" ] ; then
	SUFFIX="-\${APACHE_CONFDIR##/etc/apache2-}"
else
	SUFFIX=
fi
export APACHE_RUN_USER=www-data
export APACHE_RUN_GROUP=www-data
export APACHE_PID_FILE=/var/run/apache2$SUFFIX/apache2.pid
export APACHE_RUN_DIR=/var/run/apache2$SUFFIX
export APACHE_LOG_DIR=/var/log/apache2$SUFFIX
export LANG=C
export LANG
`;

test('envvars: exports, $VAR and ${VAR} expansion, Debian\'s SUFFIX idiom, unset HOME', () => {
  const plain = parseEnvvars(DEBIAN_ENVVARS, 'envvars', '/etc/apache2', { HOME: '/root' });
  assert.equal(plain.vars.get('APACHE_RUN_DIR'), '/var/run/apache2');
  assert.equal(plain.vars.get('APACHE_PID_FILE'), '/var/run/apache2/apache2.pid');
  assert.equal(plain.vars.get('LANG'), 'C');
  assert.equal(plain.vars.has('SUFFIX'), false);
  assert.ok(plain.unset.has('HOME'));
  assert.deepEqual(plain.warnings, []);
  const instance = parseEnvvars(DEBIAN_ENVVARS, 'envvars', '/etc/apache2-web2', {});
  assert.equal(instance.vars.get('APACHE_LOG_DIR'), '/var/log/apache2-web2');
  const odd = parseEnvvars('export A="x y"\nB=$A/z\nexport B\nulimit -n 1024\n', 'e', '/etc/apache2', {});
  assert.equal(odd.vars.get('B'), 'x y/z');
  assert.equal(odd.warnings.length, 1);
});

test('envvars beside httpd.conf (auto) feed ${VAR}; the process environment fills the rest', () => {
  const t = tempConf('ServerAdmin ${APACHE_RUN_USER}@${HOSTPART}\nServerName ${HOME}\n', { envvars: DEBIAN_ENVVARS });
  try {
    const report = t.report({ envvars: 'auto', processEnv: { HOSTPART: 'example.org', HOME: '/root' } });
    assert.deepEqual(report.errors, []);
    assert.equal(coreServer(report.config!.mainServer).serverAdmin, 'www-data@example.org');
    assert.equal(report.config!.mainServer.serverName, '${HOME}', 'envvars unsets HOME');
    const none = t.report({ envvars: 'none', processEnv: { HOSTPART: 'h' } });
    assert.equal(coreServer(none.config!.mainServer).serverAdmin, '${APACHE_RUN_USER}@h');
  } finally {
    t.cleanup();
  }
});

test('the real /etc/apache2/apache2.conf loads without errors', { skip: existsSync('/etc/apache2/apache2.conf') ? false : '/etc/apache2 is absent (Debian apache2 not installed)' }, () => {
  const report = loadConfigReport({ httpdConf: '/etc/apache2/apache2.conf', envvars: 'auto', processEnv: { PATH: '/usr/bin:/bin' } }, true);
  assert.deepEqual(report.errors.map((e) => e.describe()), []);
  const config = report.config!;
  assert.equal(config.serverRoot, '/etc/apache2');
  assert.ok(config.loadedModules.has('mpm_event_module') || config.loadedModules.has('mpm_prefork_module') || config.loadedModules.has('mpm_worker_module'));
  assert.ok(config.files.includes('/etc/apache2/ports.conf'));
  assert.ok(config.listen.length > 0);
  assert.equal(config.warnings.filter((w) => /is not defined/.test(w)).length, 0, config.warnings.join('\n'));
  assert.ok(config.virtualHosts.length >= 1);
  const paths = config.mainServer.directorySections.map((s) => s.path);
  assert.ok(paths.includes('/') && paths.includes('/var/www/'));
  assert.equal(config.mainServer.directorySections[0]?.components, 0);
  if (config.loadedModules.has('mime_module')) assert.ok((mimeServer(config.mainServer)?.types.size ?? 0) > 100);
  if (config.loadedModules.has('dir_module')) assert.ok(dirDir(config.mainServer.lookupDefaults)?.index?.includes('index.html'));
  if (config.loadedModules.has('alias_module')) assert.ok(aliasServer(config.mainServer)?.aliases.some((a) => a.fake === '/icons/'));
});
