/**
 * Environment variables: mod_setenvif (httpd modules/metadata/mod_setenvif.c `match_headers`, run at
 * post_read_request with the server's lines and at header_parser with the per-directory ones) and
 * mod_env (modules/metadata/mod_env.c `fixup_env_module`, fixups).
 */
import type { DirConfigVector } from '../../config/module';
import type { EnvDirConf, SetEnvIfConf } from '../../config/records';
import { MODULE_IDS } from '../../config/records';
import type { RequestRec } from '../request-rec';

function attributeValue(r: RequestRec, attribute: string): string | undefined {
  switch (attribute.toLowerCase()) {
    case 'remote_host':
    case 'remote_addr':
      return r.connection.clientIp;
    case 'server_addr':
      return r.connection.localIp;
    case 'request_method':
      return r.method;
    case 'request_protocol':
      return r.protocol;
    case 'request_uri':
      return r.uri;
    default: {
      const header = r.headersIn.get(attribute);
      if (header !== undefined) return header;
      return r.env.get(attribute);
    }
  }
}

/** post_read_request: the server's SetEnvIf lines (its server record). */
export function applyServerSetEnvIf(r: RequestRec): void {
  applyEntries(r, r.server.moduleConfig[MODULE_IDS.setenvif] as SetEnvIfConf | undefined);
}

/** header_parser: the per-directory SetEnvIf lines. */
export function applySetEnvIf(r: RequestRec, vec: DirConfigVector): void {
  applyEntries(r, vec[MODULE_IDS.setenvif] as SetEnvIfConf | undefined);
}

function applyEntries(r: RequestRec, conf: SetEnvIfConf | undefined): void {
  if (!conf) return;
  for (const entry of conf.entries) {
    let values: string[];
    if (entry.attributeIsRegex) {
      const nameRe = new RegExp(entry.attribute, 'i');
      values = r.headersIn.list().filter(([k]) => nameRe.test(k)).map(([, v]) => v);
    } else {
      const v = attributeValue(r, entry.attribute);
      values = v === undefined ? [] : [v];
    }
    // An absent attribute is matched as an empty string only for env-style lookups (mod_setenvif).
    if (values.length === 0) continue;
    const matched = values.some((v) => {
      entry.regex.lastIndex = 0;
      return entry.regex.test(v);
    });
    if (!matched) continue;
    for (const [name, value] of entry.assignments) {
      if (name.startsWith('!')) r.env.delete(name.slice(1));
      else r.env.set(name, value === '' ? '1' : value);
    }
  }
}

export function applySetEnv(r: RequestRec): void {
  const conf = r.perDirConfig[MODULE_IDS.env] as EnvDirConf | undefined;
  if (!conf) return;
  for (const [name, value] of conf.vars) {
    if (value === null) r.env.delete(name);
    else r.env.set(name, value);
  }
}
