/**
 * The routing core: one request in, one `RouteDecision` out, following Apache 2.4's request phases in
 * order (INTERFACE.md §4; httpd server/request.c `ap_process_request_internal`, http_request.c
 * `ap_process_request`, `ap_internal_redirect`): translate_name (server-context mod_rewrite → mod_alias
 * → DocumentRoot) → map_to_storage (<Directory>/.htaccess, <Files>) → <Location> → header_parser
 * (SetEnvIf) → access → type_checker (mod_mime) → fixups (ForceType/SetHandler, per-dir mod_rewrite,
 * mod_alias per-dir Redirect, mod_env, mod_dir, [T]/[H], RequestHeader) → handler. Pure: the file
 * system is seen only through `FsView`; no sockets, no clock except through injected services.
 */
import type { DirConfigVector, LoadedConfig, ServerConf } from '../config/module';
import type { CoreDirConf, CoreServerConf, ProxyDirConf } from '../config/records';
import { MODULE_IDS } from '../config/records';
import { decideAccess } from '../access/decide';
import { SgError } from '../errors';
import { hostsFileForward, hostsFileResolver } from '../access/host';
import type { HostResolver, NameResolver } from '../access/host';
import { evalExpr, parseExpr } from '../rewrite/expr';
import type { ExprNode } from '../rewrite/expr';
import { clientAddressFor } from '../access/remote-ip';
import type { RemoteIpPolicy } from '../access/remote-ip';
import { remoteIpPolicyOf } from '../config/modules/remoteip';
import type { RemoteIpServerConf } from '../config/modules/remoteip';
import { rewriteFixup, rewriteTranslateName, rewriteTypeChecker } from '../rewrite';
import type { RewriteHookResult } from '../rewrite';
import type { HandlerDecision, ProxyDecision, RouteDecision } from './decision';
import type { DerivedCache, FsView } from './fs-view';
import type { RoutingRequest } from './routing-request';
import type { RequestRec, RoutingServices, SubRequestResult, TraceStep } from './request-rec';
import { createInternalRedirect, createMainRequest, createSubRequest } from './request-factory';
import type { NewRequestParts, RequestFailure } from './request-factory';
import { HtaccessCache, directoryWalk, fileWalk, locationWalk } from './walks';
import { proxyWalk } from './proxy-walk';
import { ErrorDocumentExprs, errorDocumentAction } from './error-document';
import { ifWalk } from './if-walk';
import type { DirectoryWalkResult, WalkContext } from './walks';
import { aliasFixupRedirect, aliasTranslate } from './phases/alias';
import { acceptPathInfo, coreOverrideType, mimeTypeChecker } from './phases/mime';
import { applyServerSetEnvIf, applySetEnv, applySetEnvIf } from './phases/env';
import { applyRequestHeaders, responseHeaders } from './phases/headers';
import { dirFixups } from './phases/dir';
import { proxyFixup, proxyTranslate } from './phases/proxy';
import type { SubRequester } from './phases/dir';

export interface RouterOptions {
  /** Handler names we run in-process ('h264-streaming', 'smooth-streaming'); none for conformance. */
  readonly installedHandlers: ReadonlySet<string>;
  readonly processEnv?: (name: string) => string | undefined;
  readonly now?: () => Date;
  readonly random?: () => number;
  /**
   * Double-reverse host name of a client address for `Require host` / `Allow from <domain>`
   * (default: the hosts file read through the FsView; see src/access/host.ts).
   */
  readonly resolveHost?: HostResolver;
  /** Addresses of a name for `Require forward-dns` (default: the hosts file). */
  readonly resolveName?: NameResolver;
  /**
   * smoothgate.yaml's `trustedProxies` as a policy (src/access/remote-ip.ts `trustedProxiesPolicy`):
   * which peers' X-Forwarded-For is believed. A server's own mod_remoteip configuration
   * (RemoteIPHeader …) takes precedence. `RoutingRequest.clientIp` must be the TCP peer.
   */
  readonly trustedProxies?: RemoteIpPolicy | null;
}

export interface RouteResult {
  readonly decision: RouteDecision;
  readonly trace: TraceStep[] | null;
}

/** Outcome of running the phases on one request record. */
type PhaseOutcome =
  | { readonly kind: 'continue' }
  | { readonly kind: 'status'; readonly status: number; readonly reason: string; readonly challenge?: string | null };

const CONTINUE: PhaseOutcome = { kind: 'continue' };

/** A status a handler ended in after the routing (see Router.routeHandlerError). */
interface HandlerError {
  readonly status: number;
  readonly reason: string;
  /**
   * The handler set r->status back to 200 before returning it, so that ap_die_r treats it as a
   * first error even in an ErrorDocument's request (mod_proxy_http's ProxyErrorOverride).
   */
  readonly firstError: boolean;
}

/** Methods httpd knows (its method registry); others are M_INVALID → 501 in the default handler. */
const KNOWN_METHODS = new Set([
  'GET', 'HEAD', 'PUT', 'POST', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH', 'PROPFIND', 'PROPPATCH',
  'MKCOL', 'COPY', 'MOVE', 'LOCK', 'UNLOCK', 'VERSION-CONTROL', 'CHECKOUT', 'UNCHECKOUT', 'CHECKIN',
  'UPDATE', 'LABEL', 'REPORT', 'MKWORKSPACE', 'MKACTIVITY', 'BASELINE-CONTROL', 'MERGE',
]);

export const APACHE_ERROR_CONTENT_TYPE = 'text/html; charset=iso-8859-1';

/** mod_proxy's ProxyErrorOverride for the request's configuration: the codes, or undefined when Off. */
function errorOverrideOf(r: RequestRec): readonly number[] | undefined {
  const conf = r.perDirConfig[MODULE_IDS.proxy] as ProxyDirConf | undefined;
  return conf?.errorOverride === true ? conf.errorOverrideCodes : undefined;
}

function handlerBaseName(name: string): string {
  return name.toLowerCase().replace(/\.extensions$/, '');
}

/**
 * The Content-Type as sent: AddDefaultCharset adds a charset to text/plain and text/html that have
 * none (httpd modules/http/http_protocol.c `ap_make_content_type`).
 */
function contentTypeWithCharset(r: RequestRec): string | null {
  const type = r.contentType;
  if (type === null) return null;
  const charset = (r.perDirConfig[MODULE_IDS.core] as CoreDirConf | undefined)?.addDefaultCharset;
  if (!charset || charset === 'off') return type;
  const bare = type.split(';')[0]!.trim().toLowerCase();
  if ((bare === 'text/plain' || bare === 'text/html') && !/;\s*charset=/i.test(type)) return `${type}; charset=${charset}`;
  return type;
}

function isRedirectStatus(status: number): boolean {
  return status >= 300 && status < 400;
}

/** What map_to_storage derives from a file name alone: the directory walk, then the <Files> walk. */
interface StorageWalk {
  readonly walked: DirectoryWalkResult;
  /** perDir after the file walk (null when the directory walk failed). */
  readonly perDir: DirConfigVector | null;
}

export class Router {
  private readonly htaccessCache = new HtaccessCache();
  /**
   * Directory + file walks by file name, per virtual host, while every file-system answer they read
   * stays cached in the FsView (none when the FsView caches nothing). Apache keeps such a cache per
   * request (request.c `ap_directory_walk`'s walk_cache, reused by sub-requests and internal
   * redirects); the answers being the same, the walk is the same, so it can outlive the request.
   */
  private readonly storageWalks = new WeakMap<ServerConf, DerivedCache<StorageWalk>>();
  private readonly resolveHost: HostResolver;
  private readonly resolveName: NameResolver;
  /** Parsed `Require expr` texts (parsed once; the config reader refused what does not parse). */
  private readonly requireExprs = new Map<string, ExprNode | null>();
  private readonly errorDocumentExprs = new ErrorDocumentExprs();

  constructor(
    readonly config: LoadedConfig,
    readonly fs: FsView,
    private readonly options: RouterOptions,
  ) {
    this.resolveHost = options.resolveHost ?? hostsFileResolver(fs);
    this.resolveName = options.resolveName ?? hostsFileForward(fs);
  }

  /** Route one request. */
  route(req: RoutingRequest, withTrace = false): RouteResult {
    return this.routeWith(req, withTrace, null);
  }

  /**
   * The decision for a status the handler itself ended in after routing — the proxy's 502/504, a
   * refused script's 403 — through ErrorDocument as ap_die_r would (the request is routed again to
   * reach the request record that got to the handler; errors are rare).
   */
  routeHandlerError(req: RoutingRequest, status: number, reason: string, options: { firstError?: boolean } = {}): RouteDecision {
    return this.routeWith(req, false, { status, reason, firstError: options.firstError === true }).decision;
  }

  private routeWith(req: RoutingRequest, withTrace: boolean, handlerError: HandlerError | null): RouteResult {
    const trace: TraceStep[] | null = withTrace ? [] : null;
    const parts = this.parts(trace);
    let created = createMainRequest(parts, req);
    // mod_remoteip (post_read_request, before any access rule): the client address may come from a
    // trusted proxy's header, per the chosen server's configuration.
    const remoteIp =
      remoteIpPolicyOf(created.r.server.moduleConfig['remoteip_module'] as RemoteIpServerConf | undefined) ?? this.options.trustedProxies ?? null;
    if (remoteIp && !created.failure) {
      const clientIp = clientAddressFor(remoteIp, req.clientIp, created.r.headersIn.getJoined(remoteIp.header));
      if (clientIp !== req.clientIp) created = createMainRequest(parts, { ...req, clientIp });
    }
    if (created.failure) {
      trace?.push({ phase: 'read-request', text: `${created.failure.status}: ${created.failure.reason}` });
      return { decision: this.die(created.r, req, parts, created.failure.status, created.failure.reason, null, handlerError), trace };
    }
    const r = created.r;
    trace?.push({ phase: 'read-request', text: `virtual host ${r.server.serverName ?? '(main server)'}; uri ${r.uri}${r.args !== null ? `?${r.args}` : ''}` });
    return { decision: this.runRequest(r, req, parts, handlerError), trace };
  }

  /**
   * The phases and the handler for r, again for each internal redirect (mod_rewrite's
   * redirect-handler, ErrorDocument); a status on the way goes through ap_die (this.die). With a
   * `handlerError`, the request that reaches a handler ends in that status instead.
   */
  private runRequest(first: RequestRec, req: RoutingRequest, parts: NewRequestParts, handlerError: HandlerError | null = null): RouteDecision {
    let r = first;
    for (;;) {
      const outcome = this.processRequestInternal(r, parts);
      if (outcome.kind === 'status') return this.die(r, req, parts, outcome.status, outcome.reason, outcome.challenge, handlerError);
      const handled = this.invokeHandler(r, req);
      if (handled.kind === 'decision') {
        if (handlerError === null) return handled.decision;
        if (handlerError.firstError) r.status = 200;
        return this.die(r, req, parts, handlerError.status, handlerError.reason);
      }
      if (handled.kind === 'status') return this.die(r, req, parts, handled.status, handled.reason, null, handlerError);
      const next = this.internalRedirect(r, parts, handled.url, r.method);
      if (next.kind === 'status') return this.die(next.r, req, parts, next.status, next.reason, null, handlerError);
      r = next.r;
    }
  }

  /**
   * ap_internal_redirect's start (internal_internal_redirect): the recursion limit, then the new
   * request; a failure is the status of the request it ends in.
   */
  private internalRedirect(
    r: RequestRec,
    parts: NewRequestParts,
    url: string,
    method: string,
  ): { kind: 'request'; r: RequestRec } | { kind: 'status'; r: RequestRec; status: number; reason: string } {
    const limit = this.recursionLimit(r);
    if (r.redirectDepth + 1 > limit) {
      const reason = `Request exceeded the limit of ${limit} internal redirects due to probable configuration error. Use 'LimitInternalRecursion' to increase the limit if necessary. (AH00124)`;
      return { kind: 'status', r, status: 500, reason };
    }
    r.trace?.push({ phase: 'internal-redirect', text: url });
    const next = createInternalRedirect(parts, r, url, method);
    if (next.failure) return { kind: 'status', r: next.r, status: next.failure.status, reason: next.failure.reason };
    return { kind: 'request', r: next.r };
  }

  /**
   * http_request.c `ap_die_r`: answer `status` for r, through ErrorDocument. A request that already
   * answers an error (an ErrorDocument's own request: its status is not 200) gets no second custom
   * response: Apache's page for the first error, plus the "Additionally, a … error" sentence.
   * `pending` is a handler's status still to come for the request that reaches a handler (the
   * ErrorDocument page's, see runRequest).
   */
  private die(
    r: RequestRec,
    req: RoutingRequest,
    parts: NewRequestParts,
    status: number,
    reason: string,
    challenge: string | null = null,
    pending: HandlerError | null = null,
  ): RouteDecision {
    const recursiveError = r.status;
    if (recursiveError !== 200) {
      let first = r;
      while (first.prev !== null && first.prev.status !== 200) first = first.prev;
      r.trace?.push({ phase: 'error-document', text: `${status} while serving the ErrorDocument of a ${first.status}: Apache's page for ${first.status}` });
      return this.recursiveErrorDecision(r, req, first.status, status, recursiveError, reason);
    }
    const response = this.errorDocumentExprs.responseFor(r, status);
    if (response === null) return this.statusDecision(r, req, status, reason, challenge);
    r.status = status;
    const action = errorDocumentAction(response);
    r.trace?.push({ phase: 'error-document', text: `ErrorDocument ${status} ${response} → ${action.kind}` });
    switch (action.kind) {
      case 'message':
        return this.statusDecision(r, req, status, reason, challenge, action.body);
      case 'external':
        // "the client will ultimately see the wrong status" (ap_die_r): a 302 to the URL.
        r.headersOut.set('Location', action.url);
        return this.statusDecision(r, req, 302, `ErrorDocument ${status}: ${reason}`);
      case 'invalid':
        r.trace?.push({ phase: 'error-document', text: `Invalid error redirection directive: ${action.text} (AH01580)` });
        return this.recursiveErrorDecision(r, req, status, status, 500, reason);
      case 'internal': {
        // The page is fetched with GET; the failing request's method and error notes go along as
        // REQUEST_METHOD and ERROR_NOTES (REDIRECT_-prefixed in the page's request).
        r.env.set('REQUEST_METHOD', r.method);
        const notes = r.notes.get('error-notes');
        if (notes !== undefined) r.env.set('ERROR_NOTES', notes);
        // mod_auth_basic puts its challenge in err_headers_out, which the page's request shares.
        if (challenge) r.errHeadersOut.set('WWW-Authenticate', challenge);
        const next = this.internalRedirect(r, parts, action.url, 'GET');
        if (next.kind === 'status') return this.die(next.r, req, parts, next.status, next.reason);
        return this.runRequest(next.r, req, parts, pending);
      }
    }
  }

  /** ap_send_error_response(r_1st_err, recursive_error) after a failed ErrorDocument request. */
  private recursiveErrorDecision(r: RequestRec, req: RoutingRequest, sentStatus: number, loggedStatus: number, additionalError: number, reason: string): RouteDecision {
    r.status = loggedStatus;
    const base = this.base(r, req, sentStatus);
    return {
      ...base, kind: 'status', status: sentStatus, reason, additionalError,
      statusHeaders: sentStatus === 405 ? [['Allow', 'GET, HEAD, POST, OPTIONS']] : [],
      ...(loggedStatus !== sentStatus ? { loggedStatus } : {}),
    };
  }

  decide(req: RoutingRequest): RouteDecision {
    return this.route(req, false).decision;
  }

  private recursionLimit(r: RequestRec): number {
    const core = r.server.moduleConfig[MODULE_IDS.core] as CoreServerConf | undefined;
    return core?.limitInternalRecursion?.redirects ?? 10;
  }

  private parts(trace: TraceStep[] | null): NewRequestParts {
    const services: RoutingServices = {
      subRequestUri: (r, uri) => this.subRequestResult(this.lookupUri(r, uri)),
      subRequestFile: (r, path) => this.subRequestResult(this.lookupFile(r, path)),
      processEnv: this.options.processEnv ?? (() => undefined),
      now: this.options.now ?? (() => new Date(0)),
      random: this.options.random ?? (() => 0),
    };
    return { config: this.config, fs: this.fs, services, trace };
  }

  private walkContext(r: RequestRec): WalkContext {
    return { config: this.config, server: r.server, fs: this.fs, htaccessCache: this.htaccessCache, trace: r.trace };
  }

  private subRequestResult(sub: RequestRec): SubRequestResult {
    return { status: sub.status, filename: sub.filename, finfo: sub.finfo, uri: sub.uri };
  }

  /** ap_sub_req_lookup_uri: all phases but the handler; the status says how far it got. */
  lookupUri(r: RequestRec, uri: string): RequestRec {
    const parts: NewRequestParts = { config: this.config, fs: this.fs, services: r.services, trace: null };
    const { r: sub, failure } = createSubRequest(parts, r, uri);
    if (failure) {
      sub.status = failure.status;
      return sub;
    }
    const outcome = this.processRequestInternal(sub, parts);
    if (outcome.kind === 'status') sub.status = outcome.status;
    return sub;
  }

  /** ap_sub_req_lookup_file: map the file directly (no translate), then the walks and access. */
  lookupFile(r: RequestRec, path: string): RequestRec {
    const parts: NewRequestParts = { config: this.config, fs: this.fs, services: r.services, trace: null };
    const record = createSubRequest(parts, r, r.uri).r;
    record.filename = path;
    const outcome = this.mapAndCheck(record);
    if (outcome.kind === 'status') record.status = outcome.status;
    return record;
  }

  private readonly subRequester: SubRequester = {
    lookupUri: (r, uri) => this.lookupUri(r, uri),
    fastRedirect: (sub, r) => {
      // ap_internal_fast_redirect: r takes over the sub-request's mapping and its per-dir config.
      r.uri = sub.uri;
      r.args = sub.args;
      r.filename = sub.filename;
      r.canonicalFilename = sub.canonicalFilename;
      r.pathInfo = sub.pathInfo;
      r.finfo = sub.finfo;
      r.handler = sub.handler;
      r.contentType = sub.contentType;
      r.contentEncoding = sub.contentEncoding;
      r.perDirConfig = sub.perDirConfig;
      r.contextPrefix = sub.contextPrefix;
      r.contextDocumentRoot = sub.contextDocumentRoot;
      for (const [k, v] of sub.env) r.env.set(k, v);
      for (const [k, v] of sub.notes) r.notes.set(k, v);
      for (const [k, v] of sub.headersOut.list()) r.headersOut.add(k, v);
      for (const [k, v] of sub.errHeadersOut.list()) r.errHeadersOut.add(k, v);
    },
  };

  /** The phases before the handler (ap_process_request_internal). */
  private processRequestInternal(r: RequestRec, _parts: NewRequestParts): PhaseOutcome {
    // post_read_request: mod_setenvif's server-level lines (also on internal redirects).
    applyServerSetEnvIf(r);

    // translate_name: mod_rewrite (FIRST) → mod_alias (MIDDLE) → core (REALLY_LAST).
    const translated = this.translateName(r);
    if (translated.kind === 'status') return translated;

    return this.mapAndCheck(r);
  }

  private translateName(r: RequestRec): PhaseOutcome {
    const rewritten = rewriteTranslateName(r);
    const rewriteOutcome = this.rewriteOutcome(r, rewritten);
    if (rewriteOutcome !== null) return rewriteOutcome.kind === 'status' ? rewriteOutcome : CONTINUE;
    // mod_proxy's ProxyPass runs after mod_rewrite (it names mod_rewrite.c as predecessor).
    const proxied = proxyTranslate(r);
    if (proxied.kind === 'status') return proxied;
    if (proxied.kind === 'ok') return CONTINUE;
    const aliased = aliasTranslate(r);
    if (aliased.kind === 'status') return aliased;
    if (aliased.kind === 'ok') return CONTINUE;
    // core_translate: DocumentRoot + URI.
    if (!r.uri.startsWith('/')) return { kind: 'status', status: 400, reason: `Invalid URI in request ${r.theRequest} (AH00127)` };
    const core = r.server.moduleConfig[MODULE_IDS.core] as CoreServerConf | undefined;
    const docRoot = (core?.documentRoot ?? '/var/www/html').replace(/\/+$/, '');
    r.filename = docRoot + r.uri;
    r.canonicalFilename = r.filename;
    r.trace?.push({ phase: 'translate', text: `DocumentRoot → ${r.filename}` });
    return CONTINUE;
  }

  /**
   * Interpret a mod_rewrite hook result: null when it declined (the next module runs), else the
   * phase outcome ('continue' when the hook did its work).
   */
  private rewriteOutcome(r: RequestRec, result: RewriteHookResult): PhaseOutcome | null {
    switch (result.kind) {
      case 'declined':
        return null;
      case 'ok':
      case 'proxy':
      case 'internalRedirect':
        return CONTINUE;
      // mod_rewrite carries a rule's [R]/[F]/[G] status in r->status and sets it back to HTTP_OK
      // when returning it ("make Apache kernel happy", mod_rewrite.c hook_uri2file/hook_fixup): in an
      // ErrorDocument's request that makes ap_die_r treat the status as a first error, not a
      // recursive one. Its own refusals (a result with a code) leave r->status alone.
      case 'redirect':
        r.headersOut.set('Location', result.location);
        r.status = 200;
        return { kind: 'status', status: result.status, reason: `mod_rewrite: redirect to ${result.location}` };
      case 'status':
        if (result.code === undefined) r.status = 200;
        return { kind: 'status', status: result.status, reason: result.reason };
    }
  }

  /** map_to_storage, location walk, header_parser, access, type_checker, fixups. */
  private mapAndCheck(r: RequestRec): PhaseOutcome {
    const ctx = this.walkContext(r);
    const filename = r.filename ?? '';
    // An absolute path (the usual case, tested first: it cannot also be proxy: or redirect:).
    const absolutePath = filename.charCodeAt(0) === 0x2f;
    if (!absolutePath && filename.startsWith('proxy:')) {
      // mod_proxy's map_to_storage: no directory walk for proxied URLs; <Proxy> sections instead.
      r.perDirConfig = proxyWalk(r.server, r.server.lookupDefaults, filename.slice('proxy:'.length));
    } else if (!absolutePath && filename.startsWith('redirect:')) {
      r.perDirConfig = r.server.lookupDefaults;
    } else {
      if (!absolutePath) {
        return { kind: 'status', status: 400, reason: `Module bug? Request filename path ${filename} is invalid or not absolute` };
      }
      const { walked, perDir } = this.storageWalk(ctx, filename);
      r.filename = walked.filename;
      r.pathInfo = walked.pathInfo;
      r.finfo = walked.finfo;
      r.perDirConfig = walked.perDir;
      if (walked.failure) return { kind: 'status', status: walked.failure.status, reason: walked.failure.reason };
      r.perDirConfig = perDir!;
    }
    r.perDirConfig = locationWalk(ctx, r.perDirConfig, r.uri);
    // ap_if_walk: <If>/<ElseIf>/<Else> after the <Location> walk.
    r.perDirConfig = ifWalk(r.perDirConfig, r.server.ifSections, (expr) => this.evalCondition(r, expr));

    // header_parser: mod_setenvif per-directory lines.
    applySetEnvIf(r, r.perDirConfig);

    // Access control (mod_access_compat, mod_authz_core, mod_auth_basic …: src/access/decide.ts);
    // scopes we cannot evaluate fail closed (INTERFACE.md §9). Like ap_process_request_internal, an
    // internal redirect or sub-request whose merged configuration is the very one its previous/main
    // request passed with is not checked again (merges are memoised by identity, as Apache's walk
    // caches reuse their merged vectors).
    if ((r.prev !== null && r.prev.perDirConfig === r.perDirConfig) || (r.main !== null && r.main.perDirConfig === r.perDirConfig)) {
      r.trace?.push({ phase: 'access', text: 'same configuration as the request that passed: not checked again' });
    } else {
      const refused = this.checkAccess(r);
      if (refused) return refused;
    }

    // type_checker: mod_mime.
    mimeTypeChecker(r);

    // fixups, in hook order.
    coreOverrideType(r);
    const rewritten = this.rewriteOutcome(r, rewriteFixup(r));
    if (rewritten?.kind === 'status') return rewritten;
    const canon = proxyFixup(r);
    if (canon.kind === 'status') return canon;
    const redirected = aliasFixupRedirect(r);
    if (redirected.kind === 'status') return redirected;
    applySetEnv(r);
    const dir = dirFixups(r, this.subRequester);
    if (dir.kind === 'status') return dir;
    rewriteTypeChecker(r);
    applyRequestHeaders(r);
    return CONTINUE;
  }

  /** The directory and file walks of `filename`, from the walk cache when the FsView offers one. */
  private storageWalk(ctx: WalkContext, filename: string): StorageWalk {
    const compute = (): StorageWalk => {
      const walked = directoryWalk(ctx, filename);
      return { walked, perDir: walked.failure ? null : fileWalk(ctx, walked.perDir, walked.filename) };
    };
    // A traced walk (explain, conformance) always runs, so that its steps are recorded.
    if (ctx.trace !== null || this.fs.derivedCache === undefined) return compute();
    let cache = this.storageWalks.get(ctx.server);
    if (cache === undefined) {
      cache = this.fs.derivedCache<StorageWalk>();
      this.storageWalks.set(ctx.server, cache);
    }
    return cache.get(filename, compute);
  }

  /** The access step: null when granted, else the status to answer. */
  private checkAccess(r: RequestRec): PhaseOutcome | null {
    const core = r.perDirConfig[MODULE_IDS.core] as CoreDirConf | undefined;
    if (core?.failClosed) {
      const reason = new SgError('SG_ERR_ROUTING_FAIL_CLOSED', { reason: core.failClosed }).message;
      return { kind: 'status', status: 500, reason: `SG_ERR_ROUTING_FAIL_CLOSED: ${reason}` };
    }
    const access = decideAccess({
      perDir: r.perDirConfig,
      loadedModules: r.config.loadedModules,
      method: r.method,
      clientIp: r.connection.clientIp,
      localIp: r.connection.localIp,
      isHttps: r.isHttps,
      env: r.env,
      header: (name) => r.headersIn.get(name),
      fs: this.fs,
      resolveHost: this.resolveHost,
      resolveName: this.resolveName,
      evalExpr: (text) => this.evalRequireExpr(r, text),
      target: r.filename ?? `uri ${r.uri}`,
    });
    r.trace?.push({ phase: 'access', text: access.kind === 'granted' ? 'granted' : `${access.kind}: ${access.reason}` });
    if (access.kind === 'forbidden') return { kind: 'status', status: 403, reason: access.reason };
    if (access.kind === 'unauthorized') return { kind: 'status', status: 401, reason: access.reason, challenge: access.challenge };
    if (access.kind === 'error') return { kind: 'status', status: 500, reason: access.reason };
    return null;
  }

  /** An <If> condition (the same ap_expr subset; parsed once per text). */
  private evalCondition(r: RequestRec, text: string): boolean | null {
    return this.evalRequireExpr(r, text);
  }

  /** `Require expr` through the ap_expr subset mod_rewrite's RewriteCond expr uses. */
  private evalRequireExpr(r: RequestRec, text: string): boolean | null {
    let node = this.requireExprs.get(text);
    if (node === undefined) {
      const parsed = parseExpr(text);
      node = parsed.ok ? parsed.node : null;
      this.requireExprs.set(text, node);
    }
    if (node === null) return null;
    return evalExpr(node, { r, uri: null, perdir: null, ruleGroups: null, condGroups: null, varyThis: [], vary: [] }).value;
  }

  /** The handler phase: proxy, internal redirect, our handlers, or Apache's default handler. */
  private invokeHandler(
    r: RequestRec,
    req: RoutingRequest,
  ): { kind: 'decision'; decision: RouteDecision } | { kind: 'internalRedirect'; url: string } | { kind: 'status'; status: number; reason: string } {
    const handler = r.handler;
    const filename = r.filename ?? '';
    if (handler === 'redirect-handler' && filename.startsWith('redirect:')) {
      // mod_rewrite.c handler_redirect: the target plus the current r->args.
      return { kind: 'internalRedirect', url: filename.slice('redirect:'.length) + (r.args !== null ? `?${r.args}` : '') };
    }
    if (filename.startsWith('proxy:')) {
      const target = filename.slice('proxy:'.length);
      const b = this.base(r, req, 200);
      const decision: ProxyDecision = {
        kind: 'proxy', status: 200, target, noCanon: r.notes.has('proxy-nocanon'),
        uri: b.uri, query: b.query, filename: b.filename, handler: b.handler, headers: b.headers, env: b.env,
        requestHeaders: b.requestHeaders, serverName: b.serverName, originalTarget: b.originalTarget,
      };
      // The rare extras only when present (no object spread on the common path).
      const errorOverride = errorOverrideOf(r);
      if (r.status === 200 && errorOverride === undefined) return { kind: 'decision', decision };
      return {
        kind: 'decision',
        decision: {
          ...decision,
          ...(r.status !== 200 ? { errorStatus: r.status } : {}),
          ...(errorOverride !== undefined ? { errorOverride } : {}),
        },
      };
    }
    if (handler !== null && this.options.installedHandlers.has(handlerBaseName(handler))) {
      return { kind: 'decision', decision: this.servedDecision('handler', r, req, handler) };
    }
    // Apache's default handler (server/core.c `default_handler`): it also serves files whose handler
    // no loaded module claims.
    const status = this.defaultHandlerStatus(r);
    if (status.status !== 200) return { kind: 'status', status: status.status, reason: status.reason };
    if (handler !== null && handler !== 'httpd/unix-directory' && handler !== 'default-handler') {
      return { kind: 'decision', decision: this.servedDecision('handler', r, req, handler) };
    }
    return { kind: 'decision', decision: this.servedDecision('file', r, req, null) };
  }

  /** A file or handler decision, built as one literal (object spread is measurably slower here). */
  private servedDecision(kind: 'file' | 'handler', r: RequestRec, req: RoutingRequest, handlerName: string | null): RouteDecision {
    const b = this.base(r, req, 200);
    const contentType = contentTypeWithCharset(r);
    const path = r.filename ?? '';
    if (kind === 'handler') {
      const decision: HandlerDecision = {
        kind: 'handler', status: 200, handlerName: handlerName!, path, pathInfo: r.pathInfo, contentType, contentEncoding: r.contentEncoding,
        uri: b.uri, query: b.query, filename: b.filename, handler: b.handler, headers: b.headers, env: b.env,
        requestHeaders: b.requestHeaders, serverName: b.serverName, originalTarget: b.originalTarget,
      };
      return r.status !== 200 ? { ...decision, errorStatus: r.status } : decision;
    }
    const file: RouteDecision = {
      kind: 'file', status: 200, path, pathInfo: r.pathInfo, contentType, contentEncoding: r.contentEncoding,
      uri: b.uri, query: b.query, filename: b.filename, handler: b.handler, headers: b.headers, env: b.env,
      requestHeaders: b.requestHeaders, serverName: b.serverName, originalTarget: b.originalTarget,
    };
    // An ErrorDocument page keeps the error's status (internal_internal_redirect new->status).
    return r.status !== 200 ? { ...file, errorStatus: r.status } : file;
  }

  private defaultHandlerStatus(r: RequestRec): { status: number; reason: string } {
    const method = r.method;
    // A per-dir rewrite whose redirect-handler was replaced ([H=]) leaves a 'redirect:' name the
    // default handler cannot open: Apache answers 404.
    if (r.filename?.startsWith('redirect:')) return { status: 404, reason: `File does not exist: ${r.filename}` };
    if (method === 'GET' || method === 'HEAD' || method === 'POST') {
      if (r.finfo === null) return { status: 404, reason: `File does not exist: ${r.filename} (AH00128)` };
      if (r.finfo.kind === 'directory') return { status: 404, reason: `Attempt to serve directory: ${r.filename} (AH00129)` };
      if (r.pathInfo && acceptPathInfo(r) !== 'on') {
        return { status: 404, reason: `File does not exist: ${r.filename}${r.pathInfo} (AH00130)` };
      }
      return { status: 200, reason: '' };
    }
    if (!KNOWN_METHODS.has(method)) return { status: 501, reason: `Invalid method in request ${r.theRequest} (AH00133)` };
    if (method === 'OPTIONS') return { status: 200, reason: '' };
    return { status: 405, reason: `This resource does not accept the ${method} method.` };
  }

  private base(r: RequestRec, req: RoutingRequest, status: number) {
    return {
      uri: r.uri,
      query: r.args,
      filename: r.filename,
      handler: r.handler,
      headers: responseHeaders(r, status),
      // The record is not used after the decision is made: hand over its tables without copying.
      env: r.env,
      requestHeaders: r.headersIn.list(),
      serverName: r.server.isVirtual ? r.server.serverName : null,
      originalTarget: req.rawTarget,
    };
  }

  private statusDecision(r: RequestRec, req: RoutingRequest, status: number, reason: string, challenge?: string | null, customBody?: string): RouteDecision {
    r.status = status;
    const base = this.base(r, req, status);
    const custom = customBody !== undefined ? { customBody } : {};
    if (status === 401 && challenge) return { ...base, kind: 'auth', status: 401, challenge, reason, ...custom };
    if (isRedirectStatus(status)) {
      const location = base.headers.find(([k]) => k.toLowerCase() === 'location')?.[1];
      if (location !== undefined) {
        return { ...base, kind: 'redirect', status, location, headers: base.headers.filter(([k]) => k.toLowerCase() !== 'location') };
      }
    }
    return { ...base, kind: 'status', status, reason, statusHeaders: status === 405 ? [['Allow', 'GET, HEAD, POST, OPTIONS']] : [], ...custom };
  }
}

export type { RequestFailure };
