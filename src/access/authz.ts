/**
 * mod_authz_core's decision for the providers issue 2 needs (SPEC-NOTES §4.3; httpd
 * modules/aaa/mod_authz_core.c `authorize_user_core`, `apply_authz_sections`): the Require lines of
 * the merged per-directory configuration form an implicit <RequireAny>; `all granted|denied`,
 * `local`, `ip`, `env` and `method` are evaluated; any other provider fails closed (INTERFACE.md §9)
 * until issue 7 implements it. No Require anywhere → granted ("granted (no directives)").
 */
import type { DirConfigVector } from '../config/module';
import type { AuthzDirConf, RequireBlock, RequireLine } from '../config/records';
import { MODULE_IDS } from '../config/records';

export interface AccessRequest {
  readonly clientIp: string;
  readonly localIp: string;
  readonly method: string;
  readonly env: ReadonlyMap<string, string>;
}

export type AccessResult =
  | { readonly kind: 'granted' }
  | { readonly kind: 'denied'; readonly reason: string }
  | { readonly kind: 'failClosed'; readonly reason: string };

type Tri = 'granted' | 'denied' | 'neutral' | { fail: string };

function ipv4ToNumber(ip: string): number | null {
  const parts = ip.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return null;
  return parts.reduce((acc, p) => acc * 256 + Number(p), 0);
}

function isLocal(req: AccessRequest): boolean {
  const ip = req.clientIp.replace(/^::ffff:/, '');
  return ip === '::1' || ip.startsWith('127.') || ip === req.localIp.replace(/^::ffff:/, '');
}

/** `Require ip` with full addresses, partial addresses (`10.1`), CIDR and netmask forms (IPv4). */
function ipMatches(clientIp: string, spec: string): boolean | null {
  const ip = clientIp.replace(/^::ffff:/, '');
  const client = ipv4ToNumber(ip);
  if (spec.includes(':')) return ip.toLowerCase() === spec.toLowerCase() ? true : spec.includes('/') ? null : false;
  if (client === null) return false;
  let [net, mask] = spec.split('/') as [string, string | undefined];
  if (mask === undefined && /^\d{1,3}(\.\d{1,3}){0,3}\.?$/.test(net)) {
    const octets = net.replace(/\.$/, '').split('.');
    mask = String(octets.length * 8);
    while (octets.length < 4) octets.push('0');
    net = octets.join('.');
  }
  const netNum = ipv4ToNumber(net);
  if (netNum === null) return null;
  let maskNum: number;
  if (mask === undefined) maskNum = 0xffffffff;
  else if (/^\d+$/.test(mask)) maskNum = Number(mask) === 0 ? 0 : (0xffffffff << (32 - Number(mask))) >>> 0;
  else {
    const m = ipv4ToNumber(mask);
    if (m === null) return null;
    maskNum = m;
  }
  return ((client & maskNum) >>> 0) === ((netNum & maskNum) >>> 0);
}

function evalLine(line: RequireLine, req: AccessRequest): Tri {
  let result: boolean;
  switch (line.provider.toLowerCase()) {
    case 'all': {
      const what = (line.args[0] ?? '').toLowerCase();
      if (what === 'granted') result = true;
      else if (what === 'denied') result = false;
      else return { fail: `Require all ${what}` };
      break;
    }
    case 'local':
      result = isLocal(req);
      break;
    case 'ip': {
      let any = false;
      for (const spec of line.args) {
        const m = ipMatches(req.clientIp, spec);
        if (m === null) return { fail: `Require ip ${spec}` };
        if (m) any = true;
      }
      result = any;
      break;
    }
    case 'env':
      result = line.args.some((name) => req.env.has(name));
      break;
    case 'method':
      result = line.args.includes(req.method);
      break;
    default:
      return { fail: `Require ${line.provider} is not implemented (${line.where.file}:${line.where.line})` };
  }
  if (line.negate) return result ? 'denied' : 'neutral';
  return result ? 'granted' : 'denied';
}

function evalBlock(block: RequireBlock, req: AccessRequest): Tri {
  if (block.kind === 'line') return evalLine(block.line, req);
  const results = block.children.map((c) => evalBlock(c, req));
  const failed = results.find((r) => typeof r === 'object');
  if (failed) return failed;
  switch (block.kind) {
    case 'any':
      if (results.includes('granted')) return 'granted';
      return results.includes('denied') ? 'denied' : 'neutral';
    case 'all':
      if (results.includes('denied')) return 'denied';
      return results.includes('granted') ? 'granted' : 'neutral';
    case 'none':
      if (results.includes('granted')) return 'denied';
      return 'neutral';
  }
}

export function checkAccess(perDir: DirConfigVector, req: AccessRequest): AccessResult {
  const conf = perDir[MODULE_IDS.authzCore] as AuthzDirConf | undefined;
  if (!conf?.require) return { kind: 'granted' };
  const result = evalBlock(conf.require, req);
  if (typeof result === 'object') return { kind: 'failClosed', reason: result.fail };
  if (result === 'granted') return { kind: 'granted' };
  return { kind: 'denied', reason: 'client denied by server configuration (AH01630)' };
}
