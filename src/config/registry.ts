/**
 * The directive table of all modules we know, by lower-case name (Apache's ap_config_hash,
 * server/config.c). A directive is visible only while its module is loaded: LoadModule makes its
 * directives valid, exactly as in Apache.
 */
import type { DirectiveDef, ModuleDef } from './module';
import { reqOverrideOf } from './context-flags';

export interface RegisteredDirective {
  readonly module: ModuleDef;
  readonly def: DirectiveDef;
  /** Apache's req_override bits of the entry. */
  readonly reqOverride: number;
}

/** Modules compiled into Debian's httpd (obs `apache2 -l`): id → source name. */
export const COMPILED_IN_MODULES: ReadonlyMap<string, string> = new Map([
  ['core_module', 'core.c'],
  ['so_module', 'mod_so.c'],
  ['watchdog_module', 'mod_watchdog.c'],
  ['http_module', 'http_core.c'],
  ['log_config_module', 'mod_log_config.c'],
  ['logio_module', 'mod_logio.c'],
  ['version_module', 'mod_version.c'],
  ['unixd_module', 'mod_unixd.c'],
]);

/** Source names that do not follow the mod_<name>.c rule (the MPMs are event.c, prefork.c …). */
const SOURCE_NAME_EXCEPTIONS: ReadonlyMap<string, string> = new Map([
  ['mpm_event_module', 'event.c'],
  ['mpm_prefork_module', 'prefork.c'],
  ['mpm_worker_module', 'worker.c'],
  ['php5_module', 'mod_php5.c'],
  ['php7_module', 'mod_php7.c'],
  ['php_module', 'mod_php.c'],
]);

export class DirectiveRegistry {
  private readonly byName = new Map<string, RegisteredDirective[]>();
  private readonly byId = new Map<string, ModuleDef>();

  constructor(readonly modules: readonly ModuleDef[]) {
    for (const module of modules) {
      this.byId.set(module.id, module);
      for (const def of module.directives) {
        const key = def.name.toLowerCase();
        const list = this.byName.get(key) ?? [];
        list.push({ module, def, reqOverride: reqOverrideOf(def.contexts) });
        this.byName.set(key, list);
      }
    }
  }

  /** The directive as visible with these modules loaded (first module in table order wins). */
  find(name: string, loaded: ReadonlyMap<string, string>): RegisteredDirective | undefined {
    const list = this.byName.get(name.toLowerCase());
    if (!list) return undefined;
    return list.find((entry) => loaded.has(entry.module.id));
  }

  module(id: string): ModuleDef | undefined {
    return this.byId.get(id);
  }

  /** The source file name Apache compares in <IfModule mod_x.c>. */
  sourceNameOf(id: string): string {
    const known = this.byId.get(id)?.sourceName ?? SOURCE_NAME_EXCEPTIONS.get(id) ?? COMPILED_IN_MODULES.get(id);
    if (known) return known;
    return id.endsWith('_module') ? `mod_${id.slice(0, -'_module'.length)}.c` : `${id}.c`;
  }
}
