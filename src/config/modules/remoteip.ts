/**
 * mod_remoteip's directives (modules/metadata/mod_remoteip.c): RemoteIPHeader, RemoteIPInternalProxy,
 * RemoteIPTrustedProxy and their *List forms. They mean what `trustedProxies` in smoothgate.yaml
 * means (INTERFACE.md §0); src/access/remote-ip.ts applies them. A proxy given by host name would
 * need a DNS lookup at load time: refused as unsupported (a wrong client address could open access).
 */
import type { RemoteIpPolicy, RemoteIpProxy } from '../../access/remote-ip';
import { parseSubnetWord, subnetErrorText } from '../../access/ip';
import type { CmdParms, ModuleDef } from '../module';
import { RSRC, directive, fail, ignored, rootRelative } from './define';

export interface RemoteIpServerConf {
  header: string | undefined;
  proxies: RemoteIpProxy[];
}

function addProxy(conf: RemoteIpServerConf, word: string, internal: boolean): void {
  const subnet = parseSubnetWord(word);
  if (subnet === 'EINVAL') throw fail(`RemoteIP: ${word}: host names are not supported by smoothgate (give addresses or CIDRs)`);
  if (typeof subnet === 'string') throw fail(subnetErrorText(word, subnet));
  conf.proxies.push({ subnet, internal });
}

function addList(p: CmdParms, conf: RemoteIpServerConf, file: string, internal: boolean): void {
  const path = rootRelative(p, file);
  let text: string;
  try {
    text = p.readTextFile!(path); // always provided by the loader
  } catch {
    throw fail(`RemoteIPInternalProxyList: ${path} cannot be read`);
  }
  for (const line of text.split('\n')) {
    for (const word of line.replace(/#.*$/, '').trim().split(/\s+/)) if (word !== '') addProxy(conf, word, internal);
  }
}

export const remoteipModule: ModuleDef<RemoteIpServerConf, unknown> = {
  id: 'remoteip_module',
  sourceName: 'mod_remoteip.c',
  createServerConfig: () => ({ header: undefined, proxies: [] }),
  mergeServerConfig: (base, vhost) => ({ header: vhost.header ?? base.header, proxies: vhost.proxies.length > 0 ? vhost.proxies : base.proxies }),
  directives: [
    directive<RemoteIpServerConf, unknown>('RemoteIPHeader', RSRC, 'take1', 'Specifies a request header to trust as the client IP', (_p, _d, s, [v]) => {
      s.header = v as string;
    }),
    directive<RemoteIpServerConf, unknown>('RemoteIPInternalProxy', RSRC, 'iterate', 'Specifies one or more proxies which are trusted to present IP headers', (_p, _d, s, [v]) => addProxy(s, v as string, true)),
    directive<RemoteIpServerConf, unknown>('RemoteIPTrustedProxy', RSRC, 'iterate', 'Specifies one or more proxies which are trusted to present IP headers', (_p, _d, s, [v]) => addProxy(s, v as string, false)),
    directive<RemoteIpServerConf, unknown>('RemoteIPInternalProxyList', RSRC, 'take1', 'The filename to read the list of internal proxies', (p, _d, s, [v]) => addList(p, s, v as string, true)),
    directive<RemoteIpServerConf, unknown>('RemoteIPTrustedProxyList', RSRC, 'take1', 'The filename to read the list of trusted proxies', (p, _d, s, [v]) => addList(p, s, v as string, false)),
    ignored('RemoteIPProxiesHeader', RSRC, 'take1', 'the proxies header is not set by smoothgate'),
    directive<RemoteIpServerConf, unknown>('RemoteIPProxyProtocol', RSRC, 'take1', 'Enable PROXY protocol handling', (p) => {
      throw fail(`${p.directiveName}: the PROXY protocol is not supported by smoothgate`);
    }),
  ],
};

/** The policy of a server record, null when no RemoteIPHeader is configured. */
export function remoteIpPolicyOf(conf: RemoteIpServerConf | undefined): RemoteIpPolicy | null {
  if (!conf?.header) return null;
  return { header: conf.header, proxies: conf.proxies };
}
