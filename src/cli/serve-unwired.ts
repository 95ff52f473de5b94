/**
 * PLACEHOLDER routing for `serve` until the routing core is wired in `createRuntime`
 * (serve-command.ts): no httpd.conf is read. With a backend every request is forwarded to it (as a
 * `file` of a handler we do not have, so `serveStaticLocally` cannot serve it); without one every
 * request is 404. Remove at integration.
 */
import type { RouteDecision } from '../routing/decision';
import type { RawRequest } from '../server/raw-request';

export function buildDecisionForUnwired(req: RawRequest, hasBackend: boolean): RouteDecision {
  const q = req.rawTarget.indexOf('?');
  const base = {
    uri: q < 0 ? req.rawTarget : req.rawTarget.slice(0, q),
    query: q < 0 ? null : req.rawTarget.slice(q + 1),
    filename: null,
    headers: [],
    env: new Map<string, string>(),
    requestHeaders: req.headers,
    serverName: null,
    originalTarget: req.rawTarget,
  };
  if (!hasBackend) {
    return { ...base, handler: null, kind: 'status', status: 404, reason: 'routing core not wired yet', statusHeaders: [] };
  }
  return { ...base, handler: 'unwired-proxy', kind: 'file', status: 200, path: '', pathInfo: '', contentType: null, contentEncoding: null };
}
