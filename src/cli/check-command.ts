/**
 * `smoothgate check [--config PATH] [--httpd-conf PATH] [-D NAME]… [--no-htaccess] [--json]`
 * (INTERFACE.md §2): `apachectl configtest` ("Syntax OK" or the errors with file:line) plus the
 * migration report. Exit 0 when everything loads and nothing fails closed, 1 on any error, 2 on
 * usage errors. Like every command it reads smoothgate.yaml (`--config PATH`, else
 * `./smoothgate.yaml` when present) for httpdConf, defines and envvars; flags win over the file.
 */
import { existsSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { loadConfigReport } from '../config';
import { loadSmoothgateYaml } from '../config/smoothgate-yaml';
import { lintConfiguration } from '../rewrite/lint-config';
import { buildReport, type CheckReport, type RewriteLinter } from './check-report';
import { walkHtaccess } from './htaccess-walk';
import { usageError } from './main';

export interface CheckOptions {
  readonly httpdConf: string;
  readonly defines: string[];
  readonly envvars: 'auto' | 'none' | string;
  readonly htaccess: boolean;
  readonly json: boolean;
}

/** Extension point: mod_rewrite's lint (`lintRewrite(config): string[]` from src/rewrite) plugs in here. */
export interface CheckDeps {
  readonly linters: readonly RewriteLinter[];
  readonly write: (text: string) => void;
  readonly processEnv: Record<string, string | undefined>;
}

export const DEFAULT_CHECK_DEPS: CheckDeps = {
  linters: [lintConfiguration],
  write: (text) => process.stdout.write(text),
  processEnv: process.env,
};

export function parseCheckArgs(argv: readonly string[]): CheckOptions {
  let httpdConf: string | undefined;
  let configPath: string | undefined;
  let envvars: string | undefined;
  const defines: string[] = [];
  let htaccess = true;
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw usageError(`check: ${arg} needs a value`);
      return v;
    };
    if (arg === '--config') configPath = value();
    else if (arg.startsWith('--config=')) configPath = arg.slice('--config='.length);
    else if (arg === '--httpd-conf') httpdConf = value();
    else if (arg.startsWith('--httpd-conf=')) httpdConf = arg.slice('--httpd-conf='.length);
    else if (arg === '-D') defines.push(value());
    else if (arg.startsWith('-D') && arg.length > 2) defines.push(arg.slice(2));
    else if (arg === '--envvars') envvars = value();
    else if (arg === '--no-htaccess') htaccess = false;
    else if (arg === '--json') json = true;
    else throw usageError(`check: unknown option '${arg}'`);
  }
  const yamlPath = configPath ?? (existsSync('smoothgate.yaml') ? 'smoothgate.yaml' : null);
  const yaml = yamlPath === null ? null : loadSmoothgateYaml(resolvePath(yamlPath));
  httpdConf ??= yaml?.httpdConf ?? undefined;
  if (httpdConf === undefined) throw usageError('check: --httpd-conf PATH is required (or httpdConf in --config)');
  return { httpdConf, defines: [...(yaml?.defines ?? []), ...defines], envvars: envvars ?? yaml?.envvars ?? 'auto', htaccess, json };
}

export function runCheck(options: CheckOptions, deps: CheckDeps): CheckReport {
  const loaded = loadConfigReport({ httpdConf: options.httpdConf, defines: options.defines, envvars: options.envvars, processEnv: deps.processEnv }, true);
  const walk = loaded.config && options.htaccess ? walkHtaccess(loaded.config) : null;
  return buildReport(loaded.config, loaded.errors, walk, deps.linters);
}

function section(title: string, lines: string[]): string {
  return lines.length === 0 ? '' : `\n${title}\n${lines.map((l) => `  ${l}`).join('\n')}\n`;
}

export function formatReport(report: CheckReport): string {
  let out = '';
  if (report.errors.length === 0) out += 'Syntax OK\n';
  else {
    out += `${report.errors.length} error(s):\n`;
    for (const e of report.errors) out += `  ${e.file ? `${e.file}:${e.line}: ` : ''}${e.message} [${e.code}]\n`;
  }
  if (report.mainServer) {
    out += section('Main server:', [
      `ServerRoot ${report.serverRoot}; ${report.files} configuration file(s); Listen ${report.listen.join(', ') || '(none)'}`,
      `ServerName ${report.mainServer.serverName ?? '(none)'}; DocumentRoot ${report.mainServer.documentRoot ?? '(none)'}`,
    ]);
  }
  out += section(
    'Virtual hosts:',
    report.virtualHosts.map((v) => `${v.addresses.join(' ')} ServerName ${v.serverName ?? '(none)'}${v.serverAliases.length ? ` aliases ${v.serverAliases.join(' ')}` : ''}; DocumentRoot ${v.documentRoot ?? '(inherited)'}${v.where ? ` (${v.where})` : ''}`),
  );
  const streaming = report.handlers.filter((h) => h.kind !== 'other');
  const other = report.handlers.filter((h) => h.kind === 'other');
  out += section('Streaming handlers (served in-process):', streaming.map((h) => `${h.scope}: ${h.match} → ${h.handler}`));
  out += section('Other handlers (need the backend; without one: 403):', other.map((h) => `${h.scope}: ${h.match} → ${h.handler}`));
  const byKind = (kind: string) => report.notes.filter((n) => n.kind === kind).map((n) => `${n.directive} ×${n.count} — ${n.reason} [${n.where[0]}${n.count > 1 ? ', …' : ''}]`);
  out += section('Fail closed (every request in scope answers 500):', report.notes.filter((n) => n.kind === 'failClosed').flatMap((n) => n.where.map((w) => `${w}: ${n.directive} — ${n.reason}`)));
  out += section('Needs the backend:', byKind('backendOnly'));
  out += section('Not emulated:', byKind('unsupported'));
  out += section('Ignored:', byKind('ignored'));
  if (report.htaccess) {
    const h = report.htaccess;
    out += section('.htaccess:', [`${h.parsed} file(s) read, ${h.failed} with errors; ${h.directoriesVisited} directories walked${h.truncated ? ' (walk truncated at its limits)' : ''}`]);
  }
  out += section('Warnings:', report.warnings);
  out += section('Rewrite lint:', report.lint);
  return out;
}

export async function run(argv: string[], deps: CheckDeps = DEFAULT_CHECK_DEPS): Promise<number> {
  const options = parseCheckArgs(argv);
  const report = runCheck(options, deps);
  deps.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
  return report.ok ? 0 : 1;
}
