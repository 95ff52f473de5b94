/** Temp ServerRoots for config tests (test helper only). */
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { loadConfig, loadConfigReport, type LoadOptions } from '../../src/config';
import type { LoadedConfig } from '../../src/config';

export interface TempConf {
  readonly root: string;
  readonly httpdConf: string;
  load(extra?: Partial<LoadOptions>): LoadedConfig;
  report(extra?: Partial<LoadOptions>): ReturnType<typeof loadConfigReport>;
  write(path: string, content: string): void;
  cleanup(): void;
}

/** `conf` may use @ROOT@; `files` are written relative to the root first. */
export function tempConf(conf: string, files: Record<string, string> = {}): TempConf {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'sg-conf-')));
  const write = (path: string, content: string): void => {
    const full = join(root, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, content.replace(/@ROOT@/g, root));
  };
  for (const [path, content] of Object.entries(files)) write(path, content);
  write('httpd.conf', conf);
  const httpdConf = join(root, 'httpd.conf');
  const base: LoadOptions = { httpdConf, envvars: 'none', processEnv: {} };
  return {
    root,
    httpdConf,
    load: (extra = {}) => loadConfig({ ...base, ...extra }),
    report: (extra = {}) => loadConfigReport({ ...base, ...extra }, true),
    write,
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}

/** Load a one-off config and clean up. */
export function loadText(conf: string, files: Record<string, string> = {}, extra: Partial<LoadOptions> = {}): { config: LoadedConfig; root: string } {
  const t = tempConf(conf, files);
  try {
    return { config: t.load(extra), root: t.root };
  } finally {
    t.cleanup();
  }
}

/** The first error a config raises (undefined when it loads). */
export function firstError(conf: string, files: Record<string, string> = {}): { message: string; file: string; line: number; code: string; root: string } | undefined {
  const t = tempConf(conf, files);
  try {
    t.load();
    return undefined;
  } catch (err) {
    const e = err as { message: string; code: string; where?: { file: string; line: number } };
    return { message: e.message, code: e.code, file: e.where?.file ?? '', line: e.where?.line ?? 0, root: t.root };
  } finally {
    t.cleanup();
  }
}

export const MODS = '/usr/lib/apache2/modules';
export const load = (names: string[]): string => names.map((n) => `LoadModule ${n}_module ${MODS}/mod_${n}.so`).join('\n');
