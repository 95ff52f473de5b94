/**
 * The access decision of one request, in the order httpd takes it (server/request.c
 * `ap_process_request_internal`): the access_checker hook (mod_access_compat), access_checker_ex
 * (mod_authz_core `authorize_userless`), then — when a user is needed — check_user_id (mod_auth_basic
 * `authenticate_basic_user`, mod_authn_core `authenticate_no_user`) and auth_checker (mod_authz_core
 * `authorize_user`), combined as `Satisfy` says. A hook of a module that is not loaded is absent, as
 * in Apache. Outcomes: granted, 403, 401 with the challenge, or 500 (errors and fail closed).
 *
 * Security: reasons name the rule, file and status only — never the user name, the password or the
 * Authorization header (INTERFACE.md §11): a user name is client-controlled text (header injection)
 * and often a secret itself.
 */
import type { DirConfigVector } from '../config/module';
import type { AccessCompatDirConf, AuthBasicDirConf, AuthnCoreDirConf, AuthnFileDirConf, AuthzDirConf, AuthzGroupfileDirConf, SslDirConf } from '../config/records';
import { MODULE_IDS } from '../config/records';
import { SgError } from '../errors';
import type { ErrorCode } from '../errors';
import type { FsView } from '../routing/fs-view';
import { checkPasswordFile, checkRealmHash } from './authn-file';
import { toBinary } from '../routing/uri';
import type { AuthnResult } from './authn-file';
import { applyAuthz } from './authz-tree';
import type { AuthzContext } from './authz-tree';
import { parseBasicAuthorization } from './basic-credentials';
import { compatAllows, satisfyFor } from './compat';
import type { HostResolver, NameResolver } from './host';

export interface AccessInput {
  readonly perDir: DirConfigVector;
  readonly loadedModules: ReadonlySet<string>;
  readonly method: string;
  /** REMOTE_ADDR as the rules see it (the TCP peer, or mod_remoteip's choice: ./remote-ip.ts). */
  readonly clientIp: string;
  readonly localIp: string;
  /** The request came over TLS (SSLRequireSSL). */
  readonly isHttps: boolean;
  readonly env: ReadonlyMap<string, string>;
  /** The first value of a request header (apr_table_get), binary string. */
  header(name: string): string | undefined;
  readonly fs: FsView;
  readonly resolveHost: HostResolver;
  readonly resolveName: NameResolver;
  /** Evaluates a `Require expr` (ap_expr text) for this request; null when it cannot. */
  readonly evalExpr: (text: string) => boolean | null;
  /** r->filename or, without one, r->uri: named in the reasons as Apache's log names it. */
  readonly target: string;
}

export type AccessDecision =
  | { readonly kind: 'granted'; readonly user: string | null }
  | { readonly kind: 'forbidden'; readonly reason: string }
  | { readonly kind: 'unauthorized'; readonly challenge: string | null; readonly reason: string }
  | { readonly kind: 'error'; readonly reason: string };

/** A hook's answer: OK, DECLINED, or a final decision. */
type HookResult = { readonly kind: 'ok'; readonly user: string | null } | { readonly kind: 'declined' } | Exclude<AccessDecision, { kind: 'granted' }>;

interface Ctx {
  readonly input: AccessInput;
  readonly authType: string | null;
  readonly authName: string | undefined;
}

/** ap_auth_type via mod_authn_core: the AuthType unless "None"; null without the module. */
function authTypeOf(input: AccessInput): string | null {
  if (!input.loadedModules.has(MODULE_IDS.authnCore)) return null;
  const conf = input.perDir[MODULE_IDS.authnCore] as AuthnCoreDirConf | undefined;
  const type = conf?.authType;
  return type === undefined || type.toLowerCase() === 'none' ? null : type;
}

/** ap_escape_quotes (server/util.c): a backslash before every '"' that has none. */
function escapeQuotes(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\' && i + 1 < text.length) {
      out += ch + text[i + 1]!;
      i++;
    } else out += ch;
  }
  return out;
}

/** ap_note_auth_failure: only mod_auth_basic answers, for AuthType Basic; ap_auth_name escapes quotes. */
function challengeFor(ctx: Ctx): string | null {
  if (!ctx.input.loadedModules.has(MODULE_IDS.authBasic)) return null;
  if (ctx.authType === null || ctx.authType.toLowerCase() !== 'basic') return null;
  return `Basic realm="${escapeQuotes(ctx.authName ?? '')}"`;
}

function authzContext(ctx: Ctx, user: string | null): AuthzContext {
  const groups = ctx.input.perDir[MODULE_IDS.authzGroupfile] as AuthzGroupfileDirConf | undefined;
  const input = ctx.input;
  return {
    method: input.method,
    clientIp: input.clientIp,
    localIp: input.localIp,
    env: input.env,
    user,
    groupFile: input.loadedModules.has(MODULE_IDS.authzGroupfile) ? groups?.groupFile : undefined,
    fs: input.fs,
    resolveHost: input.resolveHost,
    resolveName: input.resolveName,
    evalExpr: input.evalExpr,
  };
}

/** authorize_user_core(r, after_authn). */
function authorizeUserCore(ctx: Ctx, user: string | null, afterAuthn: boolean): HookResult {
  const conf = ctx.input.perDir[MODULE_IDS.authzCore] as AuthzDirConf | undefined;
  const target = ctx.input.target;
  if (!conf?.require) {
    if (ctx.authType !== null) return { kind: 'error', reason: 'AuthType configured with no corresponding authorization directives (AH01627)' };
    return { kind: 'ok', user };
  }
  const result = applyAuthz(conf.require, authzContext(ctx, user), 'and');
  if (typeof result === 'object') return { kind: 'error', reason: `fail closed: ${result.error}` };
  switch (result) {
    case 'granted':
      return { kind: 'ok', user };
    case 'deniedNoUser':
      if (!afterAuthn) return { kind: 'declined' };
      return { kind: 'unauthorized', challenge: user !== null ? challengeFor(ctx) : null, reason: `authorization failure (no authenticated user): ${target} (AH01629)` };
    default:
      if (!afterAuthn || ctx.authType === null) return { kind: 'forbidden', reason: `client denied by server configuration: ${target} (AH01630)` };
      if (conf.sendForbiddenOnFailure === true) return { kind: 'forbidden', reason: `authorization failure for ${target} (AH01631, AuthzSendForbiddenOnFailure)` };
      return { kind: 'unauthorized', challenge: user !== null ? challengeFor(ctx) : null, reason: `authorization failure for ${target} (AH01631)` };
  }
}

/** mod_auth_basic authenticate_basic_user; DECLINED when the AuthType is not Basic. */
function authenticateBasic(ctx: Ctx): HookResult {
  const input = ctx.input;
  if (!input.loadedModules.has(MODULE_IDS.authBasic)) return { kind: 'declined' };
  if (ctx.authType === null || ctx.authType.toLowerCase() !== 'basic') return { kind: 'declined' };
  if (ctx.authName === undefined) return { kind: 'error', reason: `need AuthName: ${input.target} (AH01615)` };
  const challenge = challengeFor(ctx);
  const creds = parseBasicAuthorization(input.header('Authorization'));
  if (creds.kind === 'none') return { kind: 'unauthorized', challenge, reason: `no credentials sent for ${input.target}` };
  if (creds.kind === 'wrongScheme') return { kind: 'unauthorized', challenge, reason: `client used wrong authentication scheme: ${input.target} (AH01614)` };
  const basic = input.perDir[MODULE_IDS.authBasic] as AuthBasicDirConf | undefined;
  const providers = basic?.providers;
  let result: AuthnResult = { error: 'No Authn provider configured (AH01616)' };
  for (const provider of providers ?? ['file']) {
    if (provider !== 'file' || !input.loadedModules.has(MODULE_IDS.authnFile)) {
      result = providers ? { error: `fail closed: AuthBasicProvider ${provider} is not implemented` } : { error: 'No Authn provider configured (AH01616)' };
    } else {
      const file = input.perDir[MODULE_IDS.authnFile] as AuthnFileDirConf | undefined;
      result =
        basic?.digestAlgorithm === 'md5'
          ? checkRealmHash(input.fs, file?.userFile, creds.user, toBinary(ctx.authName), creds.password)
          : checkPasswordFile(input.fs, file?.userFile, creds.user, creds.password);
    }
    if (result !== 'userNotFound') break;
  }
  if (result === 'granted') return { kind: 'ok', user: creds.user.toString('latin1') };
  if (basic?.authoritative === false && result !== 'denied') return { kind: 'declined' };
  if (result === 'denied') return { kind: 'unauthorized', challenge, reason: `authentication failure for ${input.target}: Password Mismatch (AH01617)` };
  if (result === 'userNotFound') return { kind: 'unauthorized', challenge, reason: `user not found: ${input.target} (AH01618)` };
  return { kind: 'error', reason: result.error };
}

/** The check_user_id hooks in order: mod_auth_basic (MIDDLE), then mod_authn_core (LAST). */
function checkUserId(ctx: Ctx): HookResult {
  const basic = authenticateBasic(ctx);
  if (basic.kind !== 'declined') return basic;
  if (!ctx.input.loadedModules.has(MODULE_IDS.authnCore)) return { kind: 'declined' };
  if (ctx.authType === null) return { kind: 'ok', user: null };
  return { kind: 'error', reason: `AuthType ${ctx.authType} configured without corresponding module (AH01796)` };
}

/** decl_die: a DECLINED phase is a configuration error (AH00025). */
function declDie(result: HookResult, phase: string, target: string): AccessDecision {
  if (result.kind === 'declined') return { kind: 'error', reason: `configuration error: couldn't ${phase}: ${target} (AH00025)` };
  if (result.kind === 'ok') return { kind: 'granted', user: result.user };
  return result;
}

const CODES = { forbidden: 'SG_ERR_ACCESS_FORBIDDEN', unauthorized: 'SG_ERR_ACCESS_UNAUTHORIZED', error: 'SG_ERR_ACCESS_ERROR' } as const;

/** The whole access step of ap_process_request_internal; reasons carry their catalogue code. */
export function decideAccess(input: AccessInput): AccessDecision {
  const decision = decideAccessUncoded(input);
  if (decision.kind === 'granted') return decision;
  const code: ErrorCode = CODES[decision.kind];
  return { ...decision, reason: `${code}: ${new SgError(code, { reason: decision.reason }).message}` };
}

function decideAccessUncoded(input: AccessInput): AccessDecision {
  const authn = input.perDir[MODULE_IDS.authnCore] as AuthnCoreDirConf | undefined;
  const ctx: Ctx = {
    input,
    authType: authTypeOf(input),
    authName: input.loadedModules.has(MODULE_IDS.authnCore) ? authn?.authName : undefined,
  };
  const compatLoaded = input.loadedModules.has(MODULE_IDS.accessCompat);
  const compat = compatLoaded ? (input.perDir[MODULE_IDS.accessCompat] as AccessCompatDirConf | undefined) : undefined;
  const satisfy = compatLoaded ? satisfyFor(compat, input.method) : 'nospec';
  // access_checker hooks (run all): mod_ssl's SSLRequireSSL and mod_access_compat.
  const ssl = input.loadedModules.has(MODULE_IDS.ssl) ? (input.perDir[MODULE_IDS.ssl] as SslDirConf | undefined) : undefined;
  const sslOk = ssl?.requireSsl !== true || input.isHttps;
  const compatOk = sslOk && compatAllows(compat, { method: input.method, clientIp: input.clientIp, env: input.env, resolveHost: input.resolveHost });
  if (satisfy === 'any' && compatOk) return { kind: 'granted', user: null };
  if (satisfy !== 'any' && !compatOk) {
    const reason = sslOk ? `client denied by server configuration: ${input.target} (AH01797)` : `access to ${input.target} failed, reason: SSL connection required (AH02219)`;
    return { kind: 'forbidden', reason };
  }

  // access_checker_ex: mod_authz_core without a user.
  const authzLoaded = input.loadedModules.has(MODULE_IDS.authzCore);
  const userless: HookResult = authzLoaded ? authorizeUserCore(ctx, null, false) : { kind: 'declined' };
  if (userless.kind === 'ok') return { kind: 'granted', user: null };
  if (userless.kind !== 'declined') return userless;

  const authenticated = checkUserId(ctx);
  if (authenticated.kind !== 'ok') return declDie(authenticated, 'check user', input.target);
  if (authenticated.user === null) {
    return { kind: 'error', reason: `No authentication done but request not allowed without authentication for ${input.target}. Authentication not configured? (AH00027)` };
  }
  const authorized: HookResult = authzLoaded ? authorizeUserCore(ctx, authenticated.user, true) : { kind: 'declined' };
  return declDie(authorized, 'check authorization', input.target);
}
