/**
 * The real-Apache oracle for configuration tests (helper, no tests here). Differential test: real Apache (`apache2 -t`, Debian 2.4.71) is the oracle for accepting or
 * rejecting a configuration; each snippet of ./differential-snippets.ts is appended to a minimal
 * base configuration in a temp ServerRoot (PidFile, DefaultRuntimeDir and Mutex inside it, as the
 * oracle README's httpd.conf has them). Skipped when apache2 is not installed.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { loadConfigReport } from '../../src/config';
import type { Snippet } from './differential-snippets';

export const APACHE = '/usr/sbin/apache2';
const MODULES_DIR = '/usr/lib/apache2/modules';
const BASE_MODULES = ['mpm_prefork', 'authz_core', 'mime', 'dir', 'alias', 'headers', 'env'];

function baseConf(root: string, extra: readonly string[]): string {
  const mods = [...BASE_MODULES, ...extra.filter((m) => !BASE_MODULES.includes(m))];
  return [
    `ServerRoot "${root}"`,
    `PidFile "${root}/httpd.pid"`,
    `DefaultRuntimeDir "${root}"`,
    `Mutex file:${root} default`,
    'Listen 127.0.0.1:8080',
    ...mods.map((m) => `LoadModule ${m}_module ${MODULES_DIR}/mod_${m}.so`),
    'ServerName www.example.com',
    `ErrorLog "${root}/error.log"`,
    `TypesConfig "${root}/base.types"`,
    `DocumentRoot "${root}"`,
    '',
  ].join('\n');
}

export interface Verdict {
  readonly apacheOk: boolean;
  readonly apacheMessage: string;
  readonly oursOk: boolean;
  readonly ourMessage: string;
}

export function judge(snippet: Snippet): Verdict {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'sg-diff-')));
  try {
    writeFileSync(join(root, 'base.types'), 'text/plain txt\n');
    for (const [path, content] of Object.entries(snippet.files ?? {})) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), content.replace(/@ROOT@/g, root));
    }
    const conf = join(root, 'httpd.conf');
    writeFileSync(conf, baseConf(root, snippet.modules ?? []) + snippet.conf.replace(/@ROOT@/g, root) + '\n');
    const run = spawnSync(APACHE, ['-d', root, '-f', conf, '-t'], { encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin' } });
    const apacheLines = `${run.stderr}`.trim().split('\n').filter((l) => !/AH00111|AH00112|AH00114|AH00115|AH00116|AH02304|AH00558|AH00671|AH10142/.test(l));
    const report = loadConfigReport({ httpdConf: conf, envvars: 'none', processEnv: { PATH: process.env['PATH'] } }, true);
    return {
      apacheOk: run.status === 0,
      apacheMessage: apacheLines[apacheLines.length - 1] ?? '',
      oursOk: report.errors.length === 0,
      ourMessage: report.errors[0]?.message ?? '',
    };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return { apacheOk: true, apacheMessage: '(not run)', oursOk: false, ourMessage: message };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

