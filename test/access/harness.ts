/** Routes one in-memory case through the real config reader and routing core (test helper only). */
import { loadConfig } from '../../src/config';
import { buildCaseServer, caseRequest } from '../../src/conformance/case-server';
import type { ConformanceCase } from '../../src/conformance/cases';
import { NodeFsView } from '../../src/fs/node-fs-view';
import type { RouteDecision } from '../../src/routing/decision';
import { Router } from '../../src/routing/router';
import type { LoadedConfig } from '../../src/config';

export const ACCESS_MODULES = ['+authn_core', '+auth_basic', '+authn_file', '+authz_user', '+authz_groupfile', '+authz_host', '+access_compat', '+setenvif'];

export interface CaseInput {
  readonly conf: string;
  readonly files?: Record<string, string>;
  readonly modules?: string[];
  readonly method?: string;
  readonly target?: string;
  readonly headers?: Record<string, string>;
  readonly client?: string;
}

export interface Routed {
  readonly config: LoadedConfig;
  readonly decision: RouteDecision;
  readonly trace: string[];
}

function asCase(input: CaseInput): ConformanceCase {
  return {
    id: 'test',
    group: 'test',
    modules: input.modules ?? ACCESS_MODULES,
    conf: input.conf,
    files: { 'htdocs/a.txt': 'plain text\n', ...(input.files ?? {}) },
    request: {
      method: input.method ?? 'GET',
      target: input.target ?? '/a.txt',
      headers: { Host: 'www.example.com', ...(input.headers ?? {}) },
      ...(input.client ? { client: input.client } : {}),
    },
    observe: { env: [], headers: ['WWW-Authenticate'] },
    expected: null,
  } as unknown as ConformanceCase;
}

/** Load the case's configuration (throws the SgError Apache's -t would report). */
export function loadCase(input: CaseInput): { config: LoadedConfig; dispose(): void } {
  const server = buildCaseServer(asCase(input));
  try {
    const config = loadConfig({ httpdConf: server.httpdConf, serverRoot: server.root, envvars: 'none', processEnv: {} });
    return { config, dispose: () => server.dispose() };
  } catch (err) {
    server.dispose();
    throw err;
  }
}

export function route(input: CaseInput): Routed {
  const c = asCase(input);
  const server = buildCaseServer(c);
  try {
    const config = loadConfig({ httpdConf: server.httpdConf, serverRoot: server.root, envvars: 'none', processEnv: {} });
    const router = new Router(config, new NodeFsView(), { installedHandlers: new Set() });
    const { decision, trace } = router.route(caseRequest(c), true);
    return { config, decision, trace: (trace ?? []).map((s) => `${s.phase}: ${s.text}`) };
  } finally {
    server.dispose();
  }
}

export function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
}

export function dir(body: string, path = '@DOCROOT@'): string {
  return `<Directory "${path}">\n${body}</Directory>\n`;
}
