/**
 * The flags of `smoothgate serve` that override smoothgate.yaml (INTERFACE.md §2: "Command-line
 * flags override the file"): `--listen` (repeatable), `--backend URL|none`, `--workers N|auto`,
 * `--metrics HOST:PORT|off`, `--log-level`, `-D` (repeatable, added to `defines`), `--httpd-conf`.
 */
import { SgError } from '../errors';
import {
  DEFAULT_BACKEND,
  LOG_LEVELS,
  isHttpUrl,
  isLogLevel,
  parseListenAddress,
  type SmoothgateSettings,
} from '../config/smoothgate-yaml';

export interface ServeFlags {
  readonly listen?: readonly string[];
  readonly backend?: string;
  readonly workers?: string;
  readonly metrics?: string;
  readonly logLevel?: string;
  readonly defines?: readonly string[];
  readonly httpdConf?: string;
}

function flagError(flag: string, text: string): SgError {
  return new SgError('SG_ERR_CLI_USAGE', { text: `${flag}: ${text}` });
}

export function applyServeFlags(settings: SmoothgateSettings, flags: ServeFlags): SmoothgateSettings {
  const s: { -readonly [K in keyof SmoothgateSettings]: SmoothgateSettings[K] } = { ...settings };
  if (flags.listen && flags.listen.length > 0) {
    s.listen = flags.listen.map((text) => {
      const address = parseListenAddress(text);
      if (!address) throw flagError('--listen', `expected HOST:PORT, got ${text}`);
      return address;
    });
  }
  if (flags.backend !== undefined) {
    if (flags.backend === 'none') s.backend = null;
    else {
      if (!isHttpUrl(flags.backend)) throw flagError('--backend', `not an http(s) URL: ${flags.backend}`);
      s.backend = { ...(settings.backend ?? DEFAULT_BACKEND), url: flags.backend };
    }
  }
  if (flags.workers !== undefined) {
    if (flags.workers === 'auto') s.workers = 'auto';
    else if (/^[1-9]\d*$/.test(flags.workers)) s.workers = Number(flags.workers);
    else throw flagError('--workers', `expected a positive integer or auto, got ${flags.workers}`);
  }
  if (flags.metrics !== undefined) {
    if (flags.metrics === 'off' || flags.metrics === 'none') s.metricsListen = null;
    else {
      const address = parseListenAddress(flags.metrics);
      if (!address) throw flagError('--metrics', `expected HOST:PORT or off, got ${flags.metrics}`);
      s.metricsListen = address;
    }
  }
  if (flags.logLevel !== undefined) {
    if (!isLogLevel(flags.logLevel)) throw flagError('--log-level', `expected one of ${LOG_LEVELS.join(', ')}`);
    s.log = { ...settings.log, level: flags.logLevel };
  }
  if (flags.defines && flags.defines.length > 0) s.defines = [...settings.defines, ...flags.defines];
  if (flags.httpdConf !== undefined) s.httpdConf = flags.httpdConf;
  return s;
}
