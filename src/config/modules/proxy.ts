/**
 * mod_proxy's ProxyPass family (httpd modules/proxy/mod_proxy.c add_pass, add_pass_reverse,
 * merge_proxy_config). A ProxyPass inside <Location> takes the location's path; we file it with
 * the server's list (divergence: Apache keeps it per-location and tries it first). Worker
 * parameters (keepalive=On, timeout=…) are syntax-checked and otherwise ignored.
 */
import { getWordConf } from '../lexer';
import { NOT_IN_DIRECTORY, NOT_IN_FILES } from '../context-flags';
import type { CmdParms, DirectiveDef, ModuleDef } from '../module';
import { compileApacheRegex } from '../regex';
import type { ProxyDirConf, ProxyServerConf } from '../records';
import { RSRC, RSRC_ACCESS, container, directive, fail, ignored } from './define';

type ProxyDirective = DirectiveDef<ProxyServerConf, ProxyDirConf>;

/**
 * mod_proxy.c `set_proxy_error_override` (ITERATE): `On` or `Off`, then — after `On` — the statuses
 * to intercept (>= 400 and < 600), kept sorted.
 */
function setErrorOverride(dir: ProxyDirConf, arg: string): void {
  const lower = arg.toLowerCase();
  if (lower === 'off' || lower === 'on') {
    dir.errorOverride = lower === 'on';
    return;
  }
  if (dir.errorOverride === undefined) throw fail('ProxyErrorOverride first parameter must be one of: off | on');
  if (!/^[0-9]/.test(arg)) throw fail('ProxyErrorOverride: status codes to intercept must be numeric');
  if (!dir.errorOverride) throw fail("ProxyErrorOverride: status codes must follow a value of 'on'");
  const code = parseInt(arg, 10);
  if (!(code >= 400 && code < 600)) throw fail('ProxyErrorOverride: status codes to intercept must be valid HTTP Status Codes >=400 && <600');
  dir.errorOverrideCodes = [...dir.errorOverrideCodes, code].sort((a, b) => a - b);
}

function addPass(p: CmdParms, server: ProxyServerConf, raw: string, isRegex: boolean): void {
  let regexForm = isRegex;
  let f: string | null = null;
  let r: string | null = null;
  let noCanon = false;
  const cursor = { text: raw, pos: 0 };
  while (cursor.pos < raw.length) {
    const word = getWordConf(cursor);
    if (word === '' ) break;
    if (f === null) {
      if (word === '~') {
        if (isRegex) throw fail("ProxyPassMatch invalid syntax ('~' usage).");
        regexForm = true;
        continue;
      }
      f = word;
    } else if (r === null) r = word;
    else if (word.toLowerCase() === 'nocanon') noCanon = true;
    else if (word.toLowerCase() === 'interpolate' || word.toLowerCase() === 'noquery') continue;
    else {
      const eq = word.indexOf('=');
      if (eq < 0) {
        if (p.path !== null && r.startsWith('/')) throw fail('ProxyPass|ProxyPassMatch can not have a path when defined in a location.');
        throw fail("Invalid ProxyPass|ProxyPassMatch parameter. Parameter must be in the form 'key=value'.");
      }
      if (word.slice(0, eq).toLowerCase() === 'mapping' && !['encoded', 'servlet'].includes(word.slice(eq + 1).toLowerCase())) throw fail('unknown mapping');
    }
  }
  if (p.path !== null) {
    if (r !== null) throw fail('ProxyPass|ProxyPassMatch can not have a path when defined in a location.');
    r = f;
    f = p.path;
    if (p.pathIsRegex) regexForm = true;
  }
  if (f === null || r === null) throw fail('ProxyPass|ProxyPassMatch needs a path when not defined in a location');
  let regex: RegExp | null = null;
  if (regexForm) {
    regex = compileApacheRegex(f);
    if (!regex) throw fail('Regular expression could not be compiled.');
  }
  server.passes = [...server.passes, { path: f, regex, url: r, noCanon, where: p.where }];
}

/** add_pass_reverse (TAKE123): `[path] url [interpolate]`; a third word is otherwise ignored. */
function addReverse(p: CmdParms, server: ProxyServerConf, args: string[]): void {
  const [f, r] = args as [string, string | undefined];
  let path: string;
  let url: string;
  if (p.path === null) {
    if (r === undefined || r.toLowerCase() === 'interpolate') throw fail('ProxyPassReverse needs a path when not defined in a location');
    path = f;
    url = r;
  } else {
    if (r !== undefined && r.toLowerCase() !== 'interpolate') throw fail('ProxyPassReverse can not have a path when defined in a location');
    path = p.path;
    url = f;
  }
  server.reverse = [...server.reverse, { path, url }];
}

const WHY = 'mod_proxy tuning: the backend pool is configured in smoothgate.yaml';
const DIRECTIVES: ProxyDirective[] = [
  directive('ProxyPass', RSRC_ACCESS, 'raw', 'a virtual path and a URL', (p, _d, s, [raw]) => addPass(p, s, raw as string, false), { notIn: NOT_IN_DIRECTORY | NOT_IN_FILES }),
  directive('ProxyPassMatch', RSRC_ACCESS, 'raw', 'a virtual path and a URL', (p, _d, s, [raw]) => addPass(p, s, raw as string, true), { notIn: NOT_IN_DIRECTORY | NOT_IN_FILES }),
  directive('ProxyPassReverse', RSRC_ACCESS, 'take123', 'a virtual path and a URL for reverse proxy behaviour', (p, _d, s, args) => addReverse(p, s, args), { notIn: NOT_IN_DIRECTORY | NOT_IN_FILES }),
  directive('ProxyPreserveHost', RSRC_ACCESS, 'flag', 'on if we should preserve host header while proxying', (_p, _d, s, [v]) => {
    s.preserveHost = v === 'on';
  }),
  directive('ProxyRequests', RSRC, 'flag', 'on if the true proxy requests should be accepted', (p, _d, s, [v]) => {
    s.proxyRequests = v === 'on';
    if (v === 'on') p.note?.('ignored', 'ProxyRequests On: smoothgate is not a forward proxy');
  }),
  container('<Proxy', RSRC, 'Container for directives affecting resources located in the proxied location'),
  container('<ProxyMatch', RSRC, 'Container for directives affecting resources located in the proxied location, in regular expression syntax'),
  ...['ProxyRemote', 'ProxyRemoteMatch', 'ProxyPassReverseCookiePath', 'ProxyPassReverseCookieDomain'].map((n) => ignored(n, RSRC_ACCESS, 'takeArgv', WHY)),
  ...['ProxyBlock', 'NoProxy'].map((n) => ignored(n, RSRC, 'iterate', WHY)),
  ...['ProxyReceiveBufferSize', 'ProxyIOBufferSize', 'ProxyMaxForwards', 'ProxyDomain', 'ProxyVia', 'ProxyTimeout', 'ProxyBadHeader', 'BalancerGrowth', 'ProxyStatus', 'ProxySourceAddress'].map((n) =>
    ignored(n, RSRC, 'take1', WHY),
  ),
  ...['BalancerPersist', 'BalancerInherit', 'ProxyPassInherit'].map((n) => ignored(n, RSRC, 'flag', WHY)),
  directive('ProxyErrorOverride', RSRC_ACCESS, 'iterate', "use our error handling pages instead of the servers' we are proxying", (_p, d, _s, [v]) => setErrorOverride(d, v as string)),
  ignored('ProxyAddHeaders', RSRC_ACCESS, 'takeArgv', WHY),
  ...['BalancerMember', 'ProxySet'].map((n) => ignored(n, RSRC_ACCESS, 'raw', WHY)),
];

export const proxyModule: ModuleDef<ProxyServerConf, ProxyDirConf> = {
  id: 'proxy_module',
  sourceName: 'mod_proxy.c',
  createServerConfig: () => ({ passes: [], reverse: [], preserveHost: undefined, proxyRequests: undefined }),
  mergeServerConfig: (base, vhost) => ({
    passes: [...base.passes, ...vhost.passes],
    reverse: [...base.reverse, ...vhost.reverse],
    preserveHost: vhost.preserveHost ?? base.preserveHost,
    proxyRequests: vhost.proxyRequests ?? base.proxyRequests,
  }),
  createDirConfig: () => ({ errorOverride: undefined, errorOverrideCodes: [] }),
  // merge_proxy_dir_config: the code lists add up, On/Off is the nearer one that was set.
  mergeDirConfig: (base, add) => ({
    errorOverride: add.errorOverride ?? base.errorOverride,
    errorOverrideCodes: base.errorOverrideCodes.length === 0 ? add.errorOverrideCodes : [...base.errorOverrideCodes, ...add.errorOverrideCodes].sort((a, b) => a - b),
  }),
  directives: DIRECTIVES,
};
