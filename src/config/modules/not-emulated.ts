/**
 * Modules smoothgate knows but does not emulate (INTERFACE.md §9): their directives are valid
 * exactly when the module is loaded, as in Apache, are arity-checked loosely and are listed in
 * `check` as ignored or as needing the backend, with the reason.
 */
import type { DirectiveContexts, DirectiveSyntax, ModuleDef } from '../module';
import { OR_ALL_CTX, RSRC, RSRC_ACCESS, directive, ignored, orClass } from './define';
import type { SslDirConf } from '../records';

type Ctx = 'R' | 'RA' | 'FI' | 'IX' | 'AU' | 'ALL' | 'OP';
const CTX: Record<Ctx, DirectiveContexts> = {
  R: RSRC,
  RA: RSRC_ACCESS,
  FI: orClass('FileInfo'),
  IX: orClass('Indexes'),
  AU: orClass('AuthConfig'),
  OP: orClass('Options'),
  ALL: OR_ALL_CTX,
};

type Entry = readonly [name: string, ctx: Ctx, syntax?: DirectiveSyntax];

interface Catalogue {
  readonly id: string;
  readonly sourceName: string;
  readonly reason: string;
  /** 'backend': requests in scope need the backend (other handlers, body filters). */
  readonly effect?: 'backend';
  readonly entries: readonly Entry[];
}

const TUNING = 'process tuning: smoothgate.yaml covers the role';
const MPM: Entry[] = [
  ['StartServers', 'R'], ['MinSpareServers', 'R'], ['MaxSpareServers', 'R'], ['MinSpareThreads', 'R'], ['MaxSpareThreads', 'R'],
  ['ThreadLimit', 'R'], ['ThreadsPerChild', 'R'], ['MaxRequestWorkers', 'R'], ['MaxClients', 'R'], ['ServerLimit', 'R'],
  ['AsyncRequestWorkerFactor', 'R'], ['GracefulShutdownTimeout', 'R'],
];

const CATALOGUE: readonly Catalogue[] = [
  { id: 'mpm_event_module', sourceName: 'event.c', reason: TUNING, entries: MPM },
  { id: 'mpm_worker_module', sourceName: 'worker.c', reason: TUNING, entries: MPM },
  { id: 'mpm_prefork_module', sourceName: 'prefork.c', reason: TUNING, entries: MPM },
  {
    id: 'autoindex_module', sourceName: 'mod_autoindex.c', reason: 'directory listings are answered 403 by smoothgate',
    entries: [['AddIcon', 'IX', 'iterate2'], ['AddIconByType', 'IX', 'iterate2'], ['AddIconByEncoding', 'IX', 'iterate2'], ['AddAlt', 'IX', 'iterate2'],
      ['AddAltByType', 'IX', 'iterate2'], ['AddAltByEncoding', 'IX', 'iterate2'], ['AddDescription', 'IX', 'iterate2'], ['IndexOptions', 'IX', 'raw'],
      ['IndexOrderDefault', 'IX', 'take2'], ['IndexIgnore', 'IX', 'iterate'], ['IndexIgnoreReset', 'IX', 'flag'], ['ReadmeName', 'IX'], ['HeaderName', 'IX'],
      ['DefaultIcon', 'IX'], ['IndexStyleSheet', 'IX'], ['IndexHeadInsert', 'IX']],
  },
  { id: 'negotiation_module', sourceName: 'mod_negotiation.c', reason: 'content negotiation is not emulated', entries: [['LanguagePriority', 'FI', 'iterate'], ['ForceLanguagePriority', 'FI', 'iterate'], ['CacheNegotiatedDocs', 'R', 'flag']] },
  { id: 'reqtimeout_module', sourceName: 'mod_reqtimeout.c', reason: 'request timeouts are limits.* in smoothgate.yaml', entries: [['RequestReadTimeout', 'R', 'raw']] },
  { id: 'status_module', sourceName: 'mod_status.c', reason: 'server-status is not offered (metrics.listen serves /metrics)', entries: [] },
  { id: 'info_module', sourceName: 'mod_info.c', reason: 'server-info is not offered', entries: [['AddModuleInfo', 'R', 'take2']] },
  {
    id: 'ssl_module', sourceName: 'mod_ssl.c', reason: 'TLS is configured in smoothgate.yaml',
    entries: ['SSLEngine', 'SSLCertificateFile', 'SSLCertificateKeyFile', 'SSLCertificateChainFile', 'SSLCACertificateFile', 'SSLCACertificatePath',
      'SSLProtocol', 'SSLCipherSuite', 'SSLHonorCipherOrder', 'SSLSessionCache', 'SSLSessionCacheTimeout', 'SSLRandomSeed', 'SSLPassPhraseDialog',
      'SSLStaplingCache', 'SSLUseStapling', 'SSLCompression', 'SSLSessionTickets', 'SSLOpenSSLConfCmd', 'SSLProxyEngine', 'SSLProxyVerify',
      'SSLProxyCheckPeerName', 'SSLProxyCheckPeerCN', 'SSLProxyCheckPeerExpire', 'SSLStrictSNIVHostCheck', 'SSLCARevocationFile', 'SSLCARevocationPath', 'SSLCARevocationCheck']
      .map((n) => [n, 'RA', 'raw'] as Entry)
      .concat([['SSLOptions', 'ALL', 'raw'], ['SSLVerifyDepth', 'RA', 'raw'], ['SSLRenegBufferSize', 'AU', 'raw']]),
  },
  ...['php_module', 'php7_module', 'php5_module'].map((id): Catalogue => ({
    id, sourceName: id === 'php_module' ? 'mod_php.c' : `mod_${id.slice(0, -7)}.c`, reason: 'PHP runs on the backend', effect: 'backend',
    entries: [['php_value', 'OP', 'take2'], ['php_flag', 'OP', 'take2'], ['php_admin_value', 'RA', 'take2'], ['php_admin_flag', 'RA', 'take2']],
  })),
  { id: 'cgi_module', sourceName: 'mod_cgi.c', reason: 'CGI runs on the backend', effect: 'backend', entries: [['ScriptLog', 'R'], ['ScriptLogLength', 'R'], ['ScriptLogBuffer', 'R']] },
  { id: 'cgid_module', sourceName: 'mod_cgid.c', reason: 'CGI runs on the backend', effect: 'backend', entries: [['ScriptLog', 'R'], ['ScriptLogLength', 'R'], ['ScriptLogBuffer', 'R'], ['ScriptSock', 'R'], ['CGIDScriptTimeout', 'RA']] },
  { id: 'actions_module', sourceName: 'mod_actions.c', reason: 'handler actions run on the backend', effect: 'backend', entries: [['Action', 'FI', 'take23'], ['Script', 'ALL', 'take2']] },
  { id: 'include_module', sourceName: 'mod_include.c', reason: 'SSI runs on the backend', effect: 'backend', entries: [['XBitHack', 'OP'], ['SSIErrorMsg', 'ALL'], ['SSITimeFormat', 'ALL'], ['SSIUndefinedEcho', 'ALL'], ['SSIStartTag', 'R'], ['SSIEndTag', 'R'], ['SSIETag', 'ALL'], ['SSILastModified', 'ALL'], ['SSILegacyExprParser', 'ALL']] },
  { id: 'substitute_module', sourceName: 'mod_substitute.c', reason: 'body rewriting runs on the backend', effect: 'backend', entries: [['Substitute', 'FI', 'take1'], ['SubstituteMaxLineLength', 'FI', 'take1'], ['SubstituteInheritBefore', 'FI', 'flag']] },
  { id: 'userdir_module', sourceName: 'mod_userdir.c', reason: '~user directories are not mapped by smoothgate', entries: [['UserDir', 'R', 'raw']] },
  { id: 'speling_module', sourceName: 'mod_speling.c', reason: 'spelling correction is not emulated', entries: [['CheckSpelling', 'OP', 'flag'], ['CheckCaseOnly', 'OP', 'flag'], ['CheckBasenameMatch', 'OP', 'flag']] },
  { id: 'http2_module', sourceName: 'mod_http2.c', reason: 'HTTP/2 is not offered', entries: ['H2Direct', 'H2Push', 'H2MaxSessionStreams', 'H2WindowSize', 'H2StreamMaxMemSize', 'H2ModernTLSOnly', 'H2Upgrade', 'H2CopyFiles'].map((n) => [n, 'RA', 'raw'] as Entry) },
  { id: 'mime_magic_module', sourceName: 'mod_mime_magic.c', reason: 'content sniffing is not emulated', entries: [['MimeMagicFile', 'R']] },
  { id: 'proxy_fcgi_module', sourceName: 'mod_proxy_fcgi.c', reason: 'FastCGI runs on the backend', effect: 'backend', entries: [['ProxyFCGIBackendType', 'RA'], ['ProxyFCGISetEnvIf', 'RA', 'raw']] },
  { id: 'proxy_http_module', sourceName: 'mod_proxy_http.c', reason: '', entries: [] },
  { id: 'proxy_wstunnel_module', sourceName: 'mod_proxy_wstunnel.c', reason: 'WebSocket tunnelling follows the proxy', entries: [['ProxyWebsocketFallbackToProxyHttp', 'RA', 'flag']] },
  { id: 'proxy_balancer_module', sourceName: 'mod_proxy_balancer.c', reason: 'balancers are not emulated', entries: [] },
  { id: 'cache_module', sourceName: 'mod_cache.c', reason: 'caching is not emulated', entries: ['CacheEnable', 'CacheDisable', 'CacheDefaultExpire', 'CacheMaxExpire', 'CacheIgnoreNoLastMod', 'CacheIgnoreHeaders', 'CacheLock', 'CacheQuickHandler', 'CacheHeader'].map((n) => [n, 'RA', 'raw'] as Entry) },
  { id: 'ratelimit_module', sourceName: 'mod_ratelimit.c', reason: 'rate limiting is not emulated', entries: [] },
  { id: 'unique_id_module', sourceName: 'mod_unique_id.c', reason: '', entries: [] },
  { id: 'socache_shmcb_module', sourceName: 'mod_socache_shmcb.c', reason: '', entries: [] },
  { id: 'authn_anon_module', sourceName: 'mod_authn_anon.c', reason: 'anonymous authentication is not implemented', entries: [['Anonymous', 'AU', 'iterate'], ['Anonymous_LogEmail', 'AU', 'flag'], ['Anonymous_MustGiveEmail', 'AU', 'flag'], ['Anonymous_NoUserID', 'AU', 'flag'], ['Anonymous_VerifyEmail', 'AU', 'flag']] },
  { id: 'authn_dbm_module', sourceName: 'mod_authn_dbm.c', reason: 'DBM authentication is not implemented', entries: [['AuthDBMUserFile', 'AU'], ['AuthDBMType', 'AU']] },
  { id: 'authz_dbm_module', sourceName: 'mod_authz_dbm.c', reason: 'DBM authorization is not implemented', entries: [['AuthDBMGroupFile', 'AU'], ['AuthzDBMType', 'AU']] },
  { id: 'authz_owner_module', sourceName: 'mod_authz_owner.c', reason: '', entries: [] },
  { id: 'auth_digest_module', sourceName: 'mod_auth_digest.c', reason: 'Digest authentication is not implemented', entries: [['AuthDigestProvider', 'AU', 'iterate'], ['AuthDigestQop', 'AU', 'iterate'], ['AuthDigestNonceLifetime', 'AU'], ['AuthDigestDomain', 'AU', 'iterate'], ['AuthDigestAlgorithm', 'AU'], ['AuthDigestShmemSize', 'R']] },
  { id: 'authnz_ldap_module', sourceName: 'mod_authnz_ldap.c', reason: 'LDAP is not implemented', entries: ['AuthLDAPURL', 'AuthLDAPBindDN', 'AuthLDAPBindPassword', 'AuthLDAPGroupAttribute', 'AuthLDAPGroupAttributeIsDN', 'AuthLDAPRemoteUserAttribute'].map((n) => [n, 'AU', 'raw'] as Entry) },
];

/**
 * Arity of directives we do not emulate is checked only where we copied Apache's table exactly
 * (flags, TAKE2 pairs); elsewhere any argument text is accepted, so that we never refuse what
 * Apache accepts (a fuzz against apache2 -t found handlers looser than their declared arity).
 */
function looseSyntax(syntax: DirectiveSyntax | undefined): DirectiveSyntax {
  return syntax === 'take2' || syntax === 'iterate2' ? syntax : 'raw';
}

function buildModule(c: Catalogue): ModuleDef {
  return {
    id: c.id,
    sourceName: c.sourceName,
    directives: c.entries.map(([name, ctx, syntax]) =>
      c.effect === 'backend'
        ? directive<unknown, unknown>(name, CTX[ctx], looseSyntax(syntax), '', (p) => p.backendOnly?.(`${name}: ${c.reason}`))
        : ignored(name, CTX[ctx], looseSyntax(syntax), c.reason),
    ),
  };
}

/**
 * mod_ssl's access control (modules/ssl/ssl_engine_kernel.c ssl_hook_Access): `SSLRequireSSL` is
 * evaluated (the request must have come over TLS: the gateway's HTTPS listener); `SSLRequire` and
 * client-certificate checks (`SSLVerifyClient` other than none) cannot be, and fail closed.
 */
function withSslAccess(module: ModuleDef): ModuleDef {
  if (module.id !== 'ssl_module') return module;
  return {
    ...module,
    createDirConfig: (): SslDirConf => ({ requireSsl: undefined }),
    mergeDirConfig: (base: SslDirConf, add: SslDirConf): SslDirConf => ({ requireSsl: add.requireSsl ?? base.requireSsl }),
    directives: [
      ...module.directives,
      directive<unknown, SslDirConf>('SSLRequireSSL', CTX.AU, 'noArgs', 'Require the SSL protocol for the per-directory context', (_p, dir) => {
        dir.requireSsl = true;
      }),
      directive<unknown, SslDirConf>('SSLRequire', CTX.AU, 'raw', 'Require a boolean expression to evaluate to true for access', (p) =>
        p.failClosed?.('SSLRequire expressions are not evaluated by smoothgate')),
      directive<unknown, SslDirConf>('SSLVerifyClient', { ...CTX.RA, override: 'AuthConfig' }, 'raw', 'SSL Client verify type', (p, _d, _s, [v]) => {
        if ((v ?? '').trim().toLowerCase() !== 'none') p.failClosed?.(`SSLVerifyClient ${v}: client certificates are not verified by smoothgate`);
      }),
    ],
  };
}

export const NOT_EMULATED_MODULES: readonly ModuleDef[] = CATALOGUE.map(buildModule).map(withSslAccess);
