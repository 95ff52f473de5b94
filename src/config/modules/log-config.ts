/**
 * mod_log_config (httpd modules/loggers/mod_log_config.c log_format, add_custom_log,
 * set_transfer_log): formats by nickname and the logs to write. The main server's formats are
 * inherited by virtual hosts; a vhost with its own CustomLog does not inherit the main server's
 * logs (merge_config_log_state: its own config_logs replace, formats overlay).
 */
import type { DirectiveDef, ModuleDef } from '../module';
import type { LogConfigServerConf } from '../records';
import { RSRC, directive, fail, ignored } from './define';

const DIRECTIVES: DirectiveDef<LogConfigServerConf, unknown>[] = [
  directive('LogFormat', RSRC, 'take12', 'a log format string (see docs) and an optional format name', (_p, _d, s, [format, nickname]) => {
    const next = new Map(s.formats);
    next.set(nickname ?? '', format as string);
    s.formats = next;
  }),
  directive('CustomLog', RSRC, 'take23', 'a file name, a custom log format string or format name, and an optional "env=" or "expr=" clause (see docs)', (p, _d, s, [path, format, cond]) => {
    if (cond !== undefined && !/^(env|expr)=/i.test(cond)) throw fail('error in condition clause');
    s.customLogs = [...s.customLogs, { path: path as string, format: format as string, where: p.where }];
  }),
  directive('TransferLog', RSRC, 'take1', 'the filename of the access log', (p, _d, s, [path]) => {
    s.customLogs = [...s.customLogs, { path: path as string, format: '', where: p.where }];
  }),
  ignored('BufferedLogs', RSRC, 'take1', 'logging is configured in smoothgate.yaml'),
  ignored('GlobalLog', RSRC, 'take23', 'logging is configured in smoothgate.yaml'),
];

export const logConfigModule: ModuleDef<LogConfigServerConf, unknown> = {
  id: 'log_config_module',
  sourceName: 'mod_log_config.c',
  createServerConfig: () => ({ formats: new Map(), customLogs: [] }),
  mergeServerConfig: (base, vhost) => ({
    formats: new Map([...base.formats, ...vhost.formats]),
    customLogs: vhost.customLogs.length > 0 ? vhost.customLogs : base.customLogs,
  }),
  directives: DIRECTIVES,
};
