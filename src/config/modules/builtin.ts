/**
 * The other modules compiled into Debian's httpd (obs `apache2 -l`): mod_so (LoadModule,
 * LoadFile — executed while reading), mod_version (<IfVersion>), http_core (KeepAlive …),
 * mod_unixd (User, Group …), mod_watchdog, mod_logio.
 */
import type { ModuleDef } from '../module';
import { OR_ALL_CTX, RSRC, ignored, readTime } from './define';

const T = 'process tuning: smoothgate.yaml covers the role';

export const soModule: ModuleDef = {
  id: 'so_module',
  sourceName: 'mod_so.c',
  directives: [
    readTime('LoadModule', RSRC, 'take2', 'a module name and the name of a shared object file to load it from'),
    readTime('LoadFile', RSRC, 'iterate', 'shared object file or library to load into the server at runtime'),
  ],
};

export const versionModule: ModuleDef = {
  id: 'version_module',
  sourceName: 'mod_version.c',
  directives: [readTime('<IfVersion', OR_ALL_CTX, 'raw', 'a comparison operator, the version (and an optional regex)', true)],
};

export const httpCoreModule: ModuleDef = {
  id: 'http_module',
  sourceName: 'http_core.c',
  directives: [
    ignored('KeepAliveTimeout', RSRC, 'take1', T),
    ignored('MaxKeepAliveRequests', RSRC, 'take1', T),
    ignored('KeepAlive', RSRC, 'take1', T),
  ],
};

export const unixdModule: ModuleDef = {
  id: 'unixd_module',
  sourceName: 'mod_unixd.c',
  directives: [
    ignored('User', RSRC, 'take1', T),
    ignored('Group', RSRC, 'take1', T),
    ignored('ChrootDir', RSRC, 'take1', T),
    ignored('Suexec', RSRC, 'flag', T),
  ],
};

export const watchdogModule: ModuleDef = { id: 'watchdog_module', sourceName: 'mod_watchdog.c', directives: [ignored('WatchdogInterval', RSRC, 'take1', T)] };
export const logioModule: ModuleDef = { id: 'logio_module', sourceName: 'mod_logio.c', directives: [ignored('LogIOTrackTTFB', OR_ALL_CTX, 'raw', T)] };
