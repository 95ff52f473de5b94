/**
 * The authentication and host-access modules Debian enables (modules/aaa/mod_authn_core.c,
 * mod_auth_basic.c, mod_authn_file.c, mod_authz_user.c, mod_authz_host.c, mod_authz_groupfile.c,
 * mod_access_compat.c): parsed into records that issue 7 evaluates. Providers and auth types we
 * cannot evaluate make the scope fail closed (INTERFACE.md §9).
 */
import { parseSubnet } from '../../access/ip';
import type { CmdParms, ModuleDef } from '../module';
import type { AccessCompatDirConf, AccessRule, AuthBasicDirConf, AuthnCoreDirConf, AuthnFileDirConf, AuthzGroupfileDirConf } from '../records';
import { RSRC, directive, fail, ignored, orClass, rootRelative } from './define';

const AUTH = orClass('AuthConfig');

/** Authn providers by the module registering them. */
const AUTHN_PROVIDERS: ReadonlyArray<readonly [string, string]> = [
  ['authn_file_module', 'file'],
  ['authn_dbm_module', 'dbm'],
  ['authn_anon_module', 'anon'],
  ['authn_dbd_module', 'dbd'],
  ['authn_socache_module', 'socache'],
  ['authnz_ldap_module', 'ldap'],
  ['authnz_fcgi_module', 'fcgi'],
];

export const authnCoreModule: ModuleDef<unknown, AuthnCoreDirConf> = {
  id: 'authn_core_module',
  sourceName: 'mod_authn_core.c',
  createDirConfig: () => ({ authType: undefined, authName: undefined }),
  mergeDirConfig: (base, add) => ({ authType: add.authType ?? base.authType, authName: add.authName ?? base.authName }),
  directives: [
    directive<unknown, AuthnCoreDirConf>('AuthType', AUTH, 'take1', 'an HTTP authorization type (e.g., "Basic")', (p, dir, _s, [v]) => {
      dir.authType = v as string;
      const lower = (v as string).toLowerCase();
      if (lower !== 'basic' && lower !== 'none') p.failClosed?.(`AuthType ${v} is not implemented`);
    }),
    directive<unknown, AuthnCoreDirConf>('AuthName', AUTH, 'take1', 'the authentication realm (e.g. "Members Only")', (_p, dir, _s, [v]) => {
      dir.authName = v as string;
    }),
    { name: '<AuthnProviderAlias', contexts: RSRC, syntax: 'raw', help: 'container for grouping an authentication provider\'s directives under a provider alias', section: true, apply: () => undefined },
  ],
};

export const authBasicModule: ModuleDef<unknown, AuthBasicDirConf> = {
  id: 'auth_basic_module',
  sourceName: 'mod_auth_basic.c',
  createDirConfig: () => ({ providers: undefined, authoritative: undefined }),
  mergeDirConfig: (base, add) => ({
    providers: add.providers ?? base.providers,
    authoritative: add.authoritative ?? base.authoritative,
    digestAlgorithm: add.digestAlgorithm ?? base.digestAlgorithm,
  }),
  directives: [
    directive<unknown, AuthBasicDirConf>('AuthBasicProvider', AUTH, 'iterate', 'specify the auth providers for a directory or location', (p: CmdParms, dir, _s, [v]) => {
      const name = (v as string).toLowerCase();
      const known = AUTHN_PROVIDERS.find(([id, provider]) => provider === name && p.loadedModules.has(id));
      if (!known) throw fail(`Unknown Authn provider: ${v}`);
      dir.providers = [...(dir.providers ?? []), name];
      if (name !== 'file') p.failClosed?.(`AuthBasicProvider ${name} is not implemented`);
    }),
    directive<unknown, AuthBasicDirConf>('AuthBasicAuthoritative', AUTH, 'flag', 'Set to \'Off\' to allow access control to be passed along to lower modules if the UserID is not known to this module', (_p, dir, _s, [v]) => {
      dir.authoritative = v === 'on';
    }),
    ignored('AuthBasicFake', AUTH, 'take12', 'AuthBasicFake is not emulated'),
    directive<unknown, AuthBasicDirConf>('AuthBasicUseDigestAlgorithm', AUTH, 'take1', "Set to 'MD5' to use the auth provider's authentication check for digest auth", (_p, dir, _s, [v]) => {
      const lower = (v as string).toLowerCase();
      if (lower !== 'md5' && lower !== 'off') throw fail(`Invalid algorithm in AuthBasicUseDigestAlgorithm: ${v}`);
      dir.digestAlgorithm = lower;
    }),
  ],
};

export const authnFileModule: ModuleDef<unknown, AuthnFileDirConf> = {
  id: 'authn_file_module',
  sourceName: 'mod_authn_file.c',
  createDirConfig: () => ({ userFile: undefined }),
  mergeDirConfig: (base, add) => ({ userFile: add.userFile ?? base.userFile }),
  directives: [
    directive<unknown, AuthnFileDirConf>('AuthUserFile', AUTH, 'take1', 'text file containing user IDs and passwords', (p, dir, _s, [v]) => {
      dir.userFile = rootRelative(p, v as string);
    }),
  ],
};

export const authzGroupfileModule: ModuleDef<unknown, AuthzGroupfileDirConf> = {
  id: 'authz_groupfile_module',
  sourceName: 'mod_authz_groupfile.c',
  createDirConfig: () => ({ groupFile: undefined }),
  mergeDirConfig: (base, add) => ({ groupFile: add.groupFile ?? base.groupFile }),
  directives: [
    directive<unknown, AuthzGroupfileDirConf>('AuthGroupFile', AUTH, 'take1', 'text file containing group names and member user IDs', (p, dir, _s, [v]) => {
      dir.groupFile = rootRelative(p, v as string);
    }),
  ],
};

/** Provider-only modules: loaded, no directives (their providers are listed in authz-core.ts). */
export const authzUserModule: ModuleDef = { id: 'authz_user_module', sourceName: 'mod_authz_user.c', directives: [] };
export const authzHostModule: ModuleDef = { id: 'authz_host_module', sourceName: 'mod_authz_host.c', directives: [] };

function allowDeny(p: CmdParms, dir: AccessCompatDirConf, from: string, where: string, allow: boolean): void {
  if (from.toLowerCase() !== 'from') throw fail("allow and deny must be followed by 'from'");
  let rule: AccessRule;
  const lower = where.toLowerCase();
  if (lower.startsWith('env=!')) rule = { kind: 'envNot', value: where.slice(5), limit: p.limit ?? null, where: p.where };
  else if (lower.startsWith('env=')) rule = { kind: 'env', value: where.slice(4), limit: p.limit ?? null, where: p.where };
  else if (lower === 'all') rule = { kind: 'all', value: '', limit: p.limit ?? null, where: p.where };
  else {
    // allow_cmd: apr_ipsubnet_create decides between an address (or network) and a host name.
    const slash = where.indexOf('/');
    const subnet = slash >= 0 ? parseSubnet(where.slice(0, slash), where.slice(slash + 1)) : parseSubnet(where, null);
    if (subnet === 'EINVAL') {
      if (slash >= 0) throw fail('An IP address was expected');
      if (where.includes('#')) throw fail('No comments are allowed here');
      rule = { kind: 'host', value: where, limit: p.limit ?? null, where: p.where };
    } else if (typeof subnet === 'string') {
      throw fail(subnet === 'EBADMASK' ? 'The specified network mask is invalid.' : 'The specified IP address is invalid.');
    } else {
      rule = { kind: 'ip', value: where, limit: p.limit ?? null, where: p.where };
    }
  }
  if (allow) dir.allows = [...dir.allows, rule];
  else dir.denies = [...dir.denies, rule];
}

/** mod_access_compat has no merge function: a scope that uses it replaces its parent's record. */
export const accessCompatModule: ModuleDef<unknown, AccessCompatDirConf> = {
  id: 'access_compat_module',
  sourceName: 'mod_access_compat.c',
  createDirConfig: () => ({ order: undefined, allows: [], denies: [], satisfy: undefined }),
  directives: [
    directive<unknown, AccessCompatDirConf>('order', orClass('Limit'), 'take1', "'allow,deny', 'deny,allow', or 'mutual-failure'", (p, dir, _s, [v]) => {
      const lower = (v as string).toLowerCase();
      if (lower !== 'allow,deny' && lower !== 'deny,allow' && lower !== 'mutual-failure') throw fail('unknown order');
      dir.order = lower;
      dir.orders = [...(dir.orders ?? []), { value: lower, limit: p.limit ?? null }];
    }),
    directive<unknown, AccessCompatDirConf>('allow', orClass('Limit'), 'iterate2', "'from' followed by hostnames or IP-address wildcards", (p, dir, _s, [from, where]) =>
      allowDeny(p, dir, from as string, where as string, true)),
    directive<unknown, AccessCompatDirConf>('deny', orClass('Limit'), 'iterate2', "'from' followed by hostnames or IP-address wildcards", (p, dir, _s, [from, where]) =>
      allowDeny(p, dir, from as string, where as string, false)),
    directive<unknown, AccessCompatDirConf>('Satisfy', AUTH, 'take1', "access policy if both allow and require used ('all' or 'any')", (p, dir, _s, [v]) => {
      const lower = (v as string).toLowerCase();
      if (lower !== 'all' && lower !== 'any') throw fail("Satisfy either 'any' or 'all'.");
      dir.satisfy = lower;
      dir.satisfies = [...(dir.satisfies ?? []), { value: lower, limit: p.limit ?? null }];
    }),
  ],
};
