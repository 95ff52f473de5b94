/**
 * The request record the routing core threads through Apache's phases (httpd `request_rec`), and
 * the services a module hook may call (sub-requests, file tests). Only the routing core creates
 * these; module hooks (mod_rewrite, mod_alias, mod_dir, …) read and update them.
 */
import type { DirConfigVector, LoadedConfig, ServerConf } from '../config/module';
import type { FileInfo, FsView } from './fs-view';

/** Case-insensitive header table that keeps order and duplicates (apr_table_t). */
export class HeaderTable {
  private readonly entries: Array<[string, string]> = [];

  static from(pairs: Iterable<readonly [string, string]>): HeaderTable {
    const t = new HeaderTable();
    for (const [k, v] of pairs) t.add(k, v);
    return t;
  }

  get(name: string): string | undefined {
    const lower = name.toLowerCase();
    for (const [k, v] of this.entries) if (k.toLowerCase() === lower) return v;
    return undefined;
  }

  /** All values of `name`, joined with ", " (how Apache's table merge reads them), or undefined. */
  getJoined(name: string): string | undefined {
    const lower = name.toLowerCase();
    const values = this.entries.filter(([k]) => k.toLowerCase() === lower).map(([, v]) => v);
    return values.length === 0 ? undefined : values.join(', ');
  }

  set(name: string, value: string): void {
    this.unset(name);
    this.entries.push([name, value]);
  }

  add(name: string, value: string): void {
    this.entries.push([name, value]);
  }

  unset(name: string): void {
    const lower = name.toLowerCase();
    for (let i = this.entries.length - 1; i >= 0; i--) {
      if (this.entries[i]![0].toLowerCase() === lower) this.entries.splice(i, 1);
    }
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  list(): ReadonlyArray<readonly [string, string]> {
    return this.entries;
  }

  clone(): HeaderTable {
    return HeaderTable.from(this.entries);
  }
}

export interface ConnectionInfo {
  readonly clientIp: string;
  readonly clientPort: number;
  readonly localIp: string;
  readonly localPort: number;
  readonly isHttps: boolean;
}

/** One trace step for `explain` (module, what happened). */
export interface TraceStep {
  readonly phase: string;
  readonly text: string;
}

export interface RequestRec {
  readonly config: LoadedConfig;
  readonly fs: FsView;
  readonly connection: ConnectionInfo;
  /** The virtual host (or main server) chosen for this request. */
  server: ServerConf;

  /** Request line pieces as received. */
  method: string;
  readonly protocol: string; // 'HTTP/1.1', 'HTTP/1.0', 'HTTP/0.9'
  /** %{THE_REQUEST}: the request line rebuilt with single spaces, raw target. */
  readonly theRequest: string;
  /** The raw request-target of this (possibly internally redirected) request. */
  unparsedUri: string;
  /** r->uri: %-decoded, normalised path. */
  uri: string;
  /** r->args: raw query, null when none. */
  args: string | null;
  /** r->filename, null until translate_name. */
  filename: string | null;
  /** r->canonical_filename. */
  canonicalFilename: string | null;
  /** r->path_info. */
  pathInfo: string;
  /** Result of the directory walk's stat of `filename` (null: not found). */
  finfo: FileInfo | null;
  /** Host name used for self-referential URLs (Host header name, else ServerName). */
  hostname: string;
  /** Port for self-referential URLs (from the Host header, else 80/443). */
  port: number;
  readonly isHttps: boolean;

  handler: string | null;
  contentType: string | null;
  contentEncoding: string | null;

  readonly headersIn: HeaderTable;
  readonly headersOut: HeaderTable;
  /** Headers sent on error responses too (err_headers_out). */
  readonly errHeadersOut: HeaderTable;
  /** subprocess_env. */
  readonly env: Map<string, string>;
  /** r->notes (module scratch space that survives within one request). */
  readonly notes: Map<string, string>;

  /** Merged per-directory configuration in force (changes through the walks). */
  perDirConfig: DirConfigVector;

  /** Set by mod_alias / userdir (ap_set_context_info): %{CONTEXT_PREFIX}, %{CONTEXT_DOCUMENT_ROOT}. */
  contextPrefix: string | null;
  contextDocumentRoot: string | null;
  /**
   * Data that lives as long as the whole request including its internal redirects (Apache keeps
   * such flags as userdata of the request pool, which internal redirects share: mod_rewrite's
   * [END] marker is one).
   */
  readonly poolData: Map<string, unknown>;

  /** Internal-redirect chain: the request this one replaced, or null. */
  readonly prev: RequestRec | null;
  /** For sub-requests: the main request; null for a main request. */
  readonly main: RequestRec | null;
  /** Depth of internal redirects so far (for LimitInternalRecursion). */
  readonly redirectDepth: number;
  /** Status set so far (200 until something decides otherwise). */
  status: number;

  readonly trace: TraceStep[] | null;
  readonly services: RoutingServices;
}

/** What the routing core offers module hooks. */
export interface RoutingServices {
  /** A URL sub-request (ap_sub_req_lookup_uri): runs translate, walks, access, fixups; no handler. */
  subRequestUri(r: RequestRec, uri: string): SubRequestResult;
  /** A file sub-request (ap_sub_req_lookup_file). */
  subRequestFile(r: RequestRec, path: string): SubRequestResult;
  /** The gateway process's environment (what getenv() sees in Apache). */
  processEnv(name: string): string | undefined;
  /** Wall clock, for %{TIME*} (injected so the core stays pure). */
  now(): Date;
  /** Uniform [0, 1), for RewriteMap rnd: (injected for reproducible tests). */
  random(): number;
}

export interface SubRequestResult {
  readonly status: number;
  readonly filename: string | null;
  readonly finfo: FileInfo | null;
  readonly uri: string;
  /** Value of a variable in the sub-request's context (for %{LA-U:VAR}); filled lazily. */
  lookup?(variable: string): string;
}
