/**
 * State shared while reading files (Apache's process-wide globals during ap_read_config:
 * ap_server_root, ap_server_config_defines, server_config_defined_vars, the loaded module list).
 */
import type { SgError, SourceLocation } from '../errors';
import type { ConfigFs } from './file-access';
import type { DirectiveRegistry } from './registry';

export interface ReadContext {
  serverRoot: string;
  /** Define'd variables with a value (server_config_defined_vars). */
  readonly defines: Map<string, string>;
  /** Names for <IfDefine>: -D names and every Define (ap_server_config_defines). */
  readonly defineNames: Set<string>;
  /** Environment for `${VAR}` (envvars file over the process environment). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Loaded modules: id → source name (compiled-in ones included). */
  readonly loadedModules: Map<string, string>;
  readonly registry: DirectiveRegistry;
  readonly fs: ConfigFs;
  /** Every configuration file read, in order. */
  readonly files: string[];
  /** Include nesting (AP_MAX_INCLUDE_DEPTH = 128). */
  includeDepth: number;
  /** Nesting of true <IfModule>/<IfDefine>/… sections being read. */
  conditionalDepth: number;
  /**
   * invoke_cmd's override bits for read-time directives: the server's for httpd.conf, the
   * AllowOverride bits for an .htaccess file.
   */
  readonly readOverride: number;
  /** .htaccess only: AllowOverrideList names (lower case), which invoke_cmd admits as well. */
  readonly readOverrideList?: ReadonlySet<string>;
  readonly inHtaccess: boolean;
  /**
   * `check` mode: read errors that leave the reader in a known state (a failed Include, Define or
   * LoadModule, a stray or mismatched closing tag) are collected here and reading goes on.
   * Absent: the first error is thrown, as `apache2 -t` stops.
   */
  readonly collected?: SgError[];
  warn(message: string, where: SourceLocation | null): void;
}

/** ap_server_root_relative: absolute paths as they are, others under ServerRoot. */
export function serverRootRelative(serverRoot: string, path: string): string {
  if (path.startsWith('/')) return path;
  return serverRoot.endsWith('/') ? `${serverRoot}${path}` : `${serverRoot}/${path}`;
}
