/**
 * mod_rewrite's lint over a whole loaded configuration, for `smoothgate check`: every server and
 * vhost's rules (server context), every <Directory> section's and every .htaccess file's rules
 * (per-directory context). Warnings are "file:line: message".
 */
import type { DirConfigVector, LoadedConfig } from '../config/module';
import { lintRewrite } from './lint';
import type { RewriteDirConf, RewriteServerConf } from './types';

const REWRITE = 'rewrite_module';

export function lintConfiguration(config: LoadedConfig, htaccessVectors: ReadonlyArray<DirConfigVector | null>): string[] {
  const hasBackend = config.loadedModules.has('proxy_module');
  const out: string[] = [];
  const seen = new Set<unknown>();
  const lintRules = (rules: RewriteServerConf['rules'], perDir: boolean): void => {
    if (seen.has(rules)) return;
    seen.add(rules);
    for (const w of lintRewrite(rules, { perDir, hasBackend })) out.push(`${w.where.file}:${w.where.line}: ${w.message}`);
  };
  for (const server of [config.mainServer, ...config.virtualHosts]) {
    const conf = server.moduleConfig[REWRITE] as RewriteServerConf | undefined;
    if (conf) lintRules(conf.rules, false);
    for (const section of server.directorySections) {
      const dir = section.config[REWRITE] as RewriteDirConf | undefined;
      if (dir) lintRules(dir.rules, true);
    }
  }
  for (const vec of htaccessVectors) {
    const dir = vec?.[REWRITE] as RewriteDirConf | undefined;
    if (dir) lintRules(dir.rules, true);
  }
  return out;
}
