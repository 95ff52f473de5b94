/**
 * Per-directory configuration vectors (Apache's ap_conf_vector_t of per-dir records) and their
 * merge (server/config.c ap_merge_per_dir_configs): for each module, when both sides have a record
 * the module's merge function combines them (parent, child); otherwise the side that has one wins.
 * Records are created on demand when a module's directive is used in a section, as
 * ap_set_config_vectors does; the server defaults hold every loaded module's record
 * (create_default_per_dir_config).
 */
import type { DirConfigVector, ModuleDef } from './module';
import { MODULES } from './modules';

let byId: Map<string, ModuleDef> | null = null;

function moduleMap(): Map<string, ModuleDef> {
  if (!byId) byId = new Map(MODULES.map((m) => [m.id, m]));
  return byId;
}

/**
 * A fresh vector: for a section path, only core's record (every section has one); for `null`
 * (server defaults), every known module's record. `loaded` restricts to loaded module ids.
 */
export function createDirVector(path: string | null, loaded?: ReadonlySet<string> | ReadonlyMap<string, string>): DirConfigVector {
  const vector: Record<string, unknown> = {};
  for (const module of MODULES) {
    if (!module.createDirConfig) continue;
    if (path !== null && module.id !== 'core_module') continue;
    if (loaded && !loaded.has(module.id)) continue;
    vector[module.id] = module.createDirConfig(path);
  }
  return vector;
}

/** ap_merge_per_dir_configs(parent, child). Cheap: one merge call per module present on both sides. */
export function mergeDirVectors(parent: DirConfigVector, child: DirConfigVector): DirConfigVector {
  const merged: Record<string, unknown> = { ...parent };
  const modules = moduleMap();
  for (const id of Object.keys(child)) {
    const childRecord = child[id];
    const parentRecord = parent[id];
    const module = modules.get(id);
    merged[id] =
      parentRecord !== undefined && module?.mergeDirConfig ? module.mergeDirConfig(parentRecord, childRecord) : childRecord;
  }
  return merged;
}

/** The record of a module in a vector, creating it on first use (ap_set_config_vectors). */
export function recordFor(vector: Record<string, unknown>, module: ModuleDef, path: string | null): unknown {
  let record = vector[module.id];
  if (record === undefined && module.createDirConfig) {
    record = module.createDirConfig(path);
    vector[module.id] = record;
  }
  return record;
}
