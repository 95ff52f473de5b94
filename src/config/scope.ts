/**
 * The walk state while directives are applied (the parts of Apache's cmd_parms that change as the
 * tree walker descends: server, section vector, override bits, path, limit, enclosing sections).
 */
import type { SgError, SourceLocation } from '../errors';
import type { ConfigNote, ContextKind, LimitScope, OverrideSet, ServerConf } from './module';
import type { DirectiveRegistry } from './registry';
import type { ConfigFs } from './file-access';

export interface Scope {
  readonly server: ServerConf;
  /** The per-dir vector directives of this scope write to. */
  readonly vector: Record<string, unknown>;
  readonly context: ContextKind;
  readonly sectionChain: readonly ContextKind[];
  readonly sectionNames: readonly string[];
  readonly path: string | null;
  readonly pathIsRegex: boolean;
  /** invoke_cmd's parms->override bits. */
  readonly override: number;
  /** .htaccess only: what AllowOverride grants, and AllowOverrideList (lower case). */
  readonly overrideSet: OverrideSet | null;
  readonly inHtaccess: boolean;
  readonly limit: LimitScope | null;
}

/** Everything the walk shares (one per loadConfig / parseHtaccess call). */
export interface WalkShared {
  readonly registry: DirectiveRegistry;
  readonly loadedModules: ReadonlyMap<string, string>;
  readonly serverRoot: string;
  readonly fs: ConfigFs;
  readonly warnings: string[];
  readonly notes: ConfigNote[];
  /** Errors collected; in 'first' mode the walk throws the first instead. */
  readonly errors: SgError[];
  readonly collectAll: boolean;
  readonly listen: string[];
  /** Environment for PassEnv (envvars over the process environment). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** <VirtualHost> servers in config order. */
  readonly virtualHosts: ServerConf[];
  warn(message: string, where: SourceLocation | null): void;
}
