/**
 * The migration report of `smoothgate check` (INTERFACE.md §2): built from a LoadedConfig, the
 * collected errors and the .htaccess walk; printed as text or JSON by ./check-command.ts.
 */
import type { SgError } from '../errors';
import { coreDir, coreServer, mimeDir, type ConfigNote, type DirConfigVector, type LoadedConfig, type SectionConf, type ServerConf } from '../config';
import type { WalkResult } from './htaccess-walk';

/** Where mod_rewrite's lint warnings plug in (src/rewrite will provide `lintRewrite`). */
export type RewriteLinter = (config: LoadedConfig, htaccessVectors: ReadonlyArray<DirConfigVector | null>) => string[];

export interface ReportError {
  readonly file: string | null;
  readonly line: number | null;
  readonly code: string;
  readonly message: string;
}

export interface HandlerMapping {
  /** '<Directory /x/>' , 'server', 'vhost *:80', or an .htaccess path. */
  readonly scope: string;
  /** Extension (with dot) or '*' for SetHandler. */
  readonly match: string;
  readonly handler: string;
  readonly kind: 'h264-streaming' | 'smooth-streaming' | 'other';
}

export interface NoteGroup {
  readonly kind: ConfigNote['kind'];
  readonly directive: string;
  readonly reason: string;
  readonly count: number;
  /** Every location, "file:line" (scope). */
  readonly where: string[];
}

export interface CheckReport {
  readonly ok: boolean;
  readonly errors: ReportError[];
  readonly serverRoot: string | null;
  readonly files: number;
  readonly listen: string[];
  readonly mainServer: { readonly serverName: string | null; readonly documentRoot: string | null } | null;
  readonly virtualHosts: Array<{ readonly addresses: string[]; readonly serverName: string | null; readonly serverAliases: string[]; readonly documentRoot: string | null; readonly where: string | null }>;
  readonly handlers: HandlerMapping[];
  readonly notes: NoteGroup[];
  readonly htaccess: { readonly parsed: number; readonly failed: number; readonly directoriesVisited: number; readonly truncated: boolean } | null;
  readonly warnings: string[];
  readonly lint: string[];
}

export function toReportError(err: SgError): ReportError {
  return { file: err.where?.file ?? null, line: err.where?.line ?? null, code: err.code, message: err.message };
}

function classify(handler: string): HandlerMapping['kind'] {
  const base = handler.toLowerCase().replace(/\.extensions$/, '');
  if (base === 'h264-streaming') return 'h264-streaming';
  if (base === 'smooth-streaming') return 'smooth-streaming';
  return 'other';
}

function handlersOf(vec: DirConfigVector, scope: string, out: HandlerMapping[]): void {
  const mime = mimeDir(vec);
  for (const [ext, info] of mime?.extensions ?? []) {
    if (info.handler) out.push({ scope, match: `.${ext}`, handler: info.handler, kind: classify(info.handler) });
  }
  const core = coreDir(vec);
  if (core.handler !== undefined && core.handler.toLowerCase() !== 'none') out.push({ scope, match: '*', handler: core.handler, kind: classify(core.handler) });
  for (const files of core.filesSections) handlersOf(files.config, `${scope} <Files${files.regex ? 'Match' : ''} ${files.path}>`, out);
}

/** A vhost's lists start with the main server's sections (merged): report only its own. */
function serverHandlers(server: ServerConf, label: string, out: HandlerMapping[], main: ServerConf | null): void {
  const own = (list: readonly SectionConf[], mainList: readonly SectionConf[] | undefined) => list.filter((s) => !mainList?.includes(s));
  const defaults: HandlerMapping[] = [];
  handlersOf(server.lookupDefaults, label, defaults);
  const inherited = new Set<string>();
  if (main) {
    const base: HandlerMapping[] = [];
    handlersOf(main.lookupDefaults, '', base);
    for (const h of base) inherited.add(`${h.match}\0${h.handler}`);
  }
  out.push(...defaults.filter((h) => !inherited.has(`${h.match}\0${h.handler}`)));
  for (const section of own(server.directorySections, main?.directorySections)) handlersOf(section.config, `${label} <Directory${section.regex ? 'Match' : ''} ${section.path}>`, out);
  for (const section of own(server.locationSections, main?.locationSections)) handlersOf(section.config, `${label} <Location${section.regex ? 'Match' : ''} ${section.path}>`, out);
  for (const section of own(server.filesSections, main?.filesSections)) handlersOf(section.config, `${label} <Files${section.regex ? 'Match' : ''} ${section.path}>`, out);
}

function groupNotes(notes: readonly ConfigNote[]): NoteGroup[] {
  const groups = new Map<string, { kind: ConfigNote['kind']; directive: string; reason: string; where: string[] }>();
  for (const note of notes) {
    const key = `${note.kind}\0${note.directive}\0${note.reason}`;
    const group = groups.get(key) ?? { kind: note.kind, directive: note.directive, reason: note.reason, where: [] };
    group.where.push(`${note.where.file}:${note.where.line}${note.scope ? ` (${note.scope})` : ''}`);
    groups.set(key, group);
  }
  return [...groups.values()].map((g) => ({ ...g, count: g.where.length }));
}

/** Notes that `check` counts as errors: fail-closed scopes and <If> sections (INTERFACE.md §9). */
export function isErrorNote(note: Pick<ConfigNote, 'kind' | 'directive'>): boolean {
  return note.kind === 'failClosed' || (note.kind === 'unsupported' && /^<(If|ElseIf|Else)$/.test(note.directive));
}

export function buildReport(config: LoadedConfig | null, errors: readonly SgError[], walk: WalkResult | null, linters: readonly RewriteLinter[]): CheckReport {
  const reportErrors = errors.map(toReportError);
  const handlers: HandlerMapping[] = [];
  const notes: ConfigNote[] = [...(config?.notes ?? [])];
  if (config) {
    serverHandlers(config.mainServer, 'server', handlers, null);
    config.virtualHosts.forEach((vhost, i) => serverHandlers(vhost, `vhost#${i + 1} ${vhost.addresses.join(' ')}`, handlers, config.mainServer));
  }
  if (walk) {
    for (const file of walk.files) {
      if (file.error) reportErrors.push(toReportError(file.error));
      else if (file.vector) {
        handlersOf(file.vector, file.file, handlers);
        const core = coreDir(file.vector);
        if (core.failClosed) reportErrors.push({ file: file.file, line: null, code: 'SG_ERR_ROUTING_FAIL_CLOSED', message: core.failClosed });
        for (const ifSection of core.ifSections ?? []) {
          reportErrors.push({ file: ifSection.where.file, line: ifSection.where.line, code: 'SG_ERR_CONFIG_UNSUPPORTED', message: `<If ${ifSection.path}> is not evaluated (ap_expr)` });
        }
        if (core.backendOnly) notes.push({ kind: 'backendOnly', directive: '.htaccess', reason: core.backendOnly, where: { file: file.file, line: 0 }, scope: file.dir });
      }
    }
  }
  for (const note of notes) {
    if (isErrorNote(note)) reportErrors.push({ file: note.where.file, line: note.where.line, code: note.kind === 'failClosed' ? 'SG_ERR_ROUTING_FAIL_CLOSED' : 'SG_ERR_CONFIG_UNSUPPORTED', message: `${note.directive}: ${note.reason}` });
  }
  const htaccessVectors = walk ? walk.files.map((f) => f.vector) : [];
  const lint = config ? linters.flatMap((lintFn) => lintFn(config, htaccessVectors)) : [];
  return {
    ok: reportErrors.length === 0,
    errors: reportErrors,
    serverRoot: config?.serverRoot ?? null,
    files: config?.files.length ?? 0,
    listen: config?.listen ?? [],
    mainServer: config ? { serverName: config.mainServer.serverName, documentRoot: coreServer(config.mainServer)?.documentRoot ?? null } : null,
    virtualHosts: (config?.virtualHosts ?? []).map((v) => ({
      addresses: v.addresses,
      serverName: v.serverName,
      serverAliases: v.serverAliases,
      documentRoot: coreServer(v)?.documentRoot ?? null,
      where: v.where ? `${v.where.file}:${v.where.line}` : null,
    })),
    handlers,
    notes: groupNotes(notes),
    htaccess: walk ? { parsed: walk.files.length, failed: walk.files.filter((f) => f.error).length, directoriesVisited: walk.directoriesVisited, truncated: walk.truncated } : null,
    warnings: config?.warnings ?? [],
    lint,
  };
}
