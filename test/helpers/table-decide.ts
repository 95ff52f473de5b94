/**
 * A small hand-written `decide` for the gateway tests: the real routing core (src/routing, built in
 * parallel) is not wired yet, so each test lists path → decision. Decisions are built with the
 * fields of src/routing/decision.ts filled the way the core fills them.
 */
import type { Decide, RawRequest } from '../../src/server/raw-request';
import type { RouteDecision } from '../../src/routing/decision';

export type DecisionSpec =
  | { kind: 'file'; path: string; contentType?: string | null; handler?: string | null }
  | { kind: 'handler'; handlerName: string; path: string }
  | { kind: 'redirect'; status: number; location: string }
  | { kind: 'status'; status: number; reason?: string; statusHeaders?: Array<[string, string]> }
  | { kind: 'auth'; challenge: string }
  | { kind: 'proxy'; target: string };

function splitTarget(rawTarget: string): { uri: string; query: string | null } {
  const q = rawTarget.indexOf('?');
  const path = q < 0 ? rawTarget : rawTarget.slice(0, q);
  let uri = path;
  try {
    uri = decodeURIComponent(path);
  } catch {
    /* keep raw */
  }
  return { uri, query: q < 0 ? null : rawTarget.slice(q + 1) };
}

export function buildDecision(req: RawRequest, spec: DecisionSpec, extraHeaders: Array<[string, string]> = []): RouteDecision {
  const { uri, query } = splitTarget(req.rawTarget);
  const base = {
    uri,
    query,
    filename: 'path' in spec ? spec.path : null,
    handler: spec.kind === 'handler' ? spec.handlerName : spec.kind === 'file' ? (spec.handler ?? null) : null,
    headers: extraHeaders,
    env: new Map<string, string>(),
    requestHeaders: req.headers,
    serverName: null,
    originalTarget: req.rawTarget,
  };
  switch (spec.kind) {
    case 'file':
      return { ...base, kind: 'file', status: 200, path: spec.path, pathInfo: '', contentType: spec.contentType ?? null, contentEncoding: null };
    case 'handler':
      return { ...base, kind: 'handler', status: 200, handlerName: spec.handlerName, path: spec.path, pathInfo: '', contentType: null, contentEncoding: null };
    case 'redirect':
      return { ...base, kind: 'redirect', status: spec.status, location: spec.location };
    case 'status':
      return { ...base, kind: 'status', status: spec.status, reason: spec.reason ?? 'test', statusHeaders: spec.statusHeaders ?? [] };
    case 'auth':
      return { ...base, kind: 'auth', status: 401, challenge: spec.challenge, reason: 'test' };
    case 'proxy':
      return { ...base, kind: 'proxy', status: 200, target: spec.target, noCanon: false };
  }
}

/**
 * `table` maps a path (without query) to a spec; a function value computes it from the request.
 * Unlisted paths get `fallback` (default: a `file` decision under `docroot` when given, else 404).
 */
export function tableDecide(
  table: Record<string, DecisionSpec | ((req: RawRequest) => DecisionSpec)>,
  fallback: (req: RawRequest) => DecisionSpec = () => ({ kind: 'status', status: 404 }),
): Decide {
  return (req) => {
    const { uri } = splitTarget(req.rawTarget);
    const entry = table[uri];
    const spec = entry === undefined ? fallback(req) : typeof entry === 'function' ? entry(req) : entry;
    return buildDecision(req, spec);
  };
}
