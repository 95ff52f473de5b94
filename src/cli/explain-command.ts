/**
 * `smoothgate explain [METHOD] URL` (INTERFACE.md §2): one request through the routing core, no
 * socket; prints every step (virtual host, rewrite rounds, walks, access, handler) and the decision.
 * Installed handlers are those `serve` runs, so the answer is what `serve` would do.
 */
import { loadConfig } from '../config';
import { NodeFsView } from '../fs/node-fs-view';
import type { RouteDecision } from '../routing/decision';
import { Router } from '../routing/router';
import type { RoutingRequest } from '../routing/routing-request';
import { toBinary } from '../routing/uri';
import { parseArgs } from './args';
import { usageError } from './main';

export const INSTALLED_HANDLERS: ReadonlySet<string> = new Set(['h264-streaming', 'smooth-streaming']);

const METHOD = /^[A-Z][A-Z-]*$/;

export function explainRequest(positional: readonly string[], headerFlags: readonly string[], client: string, https: boolean): RoutingRequest {
  let method = 'GET';
  let url: string | undefined;
  if (positional.length === 2 && METHOD.test(positional[0]!)) [method, url] = positional as [string, string];
  else if (positional.length === 1) url = positional[0];
  else throw usageError('explain: expected [METHOD] URL');
  const headers: Array<[string, string]> = [];
  for (const h of headerFlags) {
    const colon = h.indexOf(':');
    if (colon <= 0) throw usageError(`explain: bad header '${h}' (expected 'Name: value')`);
    headers.push([h.slice(0, colon).trim(), h.slice(colon + 1).trim()]);
  }
  let target = url!;
  let isHttps = https;
  const absolute = target.match(/^(https?):\/\/([^/?#]+)(.*)$/i);
  if (absolute) {
    isHttps = absolute[1]!.toLowerCase() === 'https';
    if (!headers.some(([k]) => k.toLowerCase() === 'host')) headers.unshift(['Host', absolute[2]!]);
    target = absolute[3] || '/';
  } else if (!headers.some(([k]) => k.toLowerCase() === 'host')) {
    headers.unshift(['Host', 'localhost']);
  }
  return {
    method,
    rawTarget: toBinary(target),
    protocol: 'HTTP/1.1',
    headers,
    clientIp: client,
    clientPort: 50000,
    localIp: '127.0.0.1',
    localPort: isHttps ? 443 : 80,
    isHttps,
  };
}

export function describeDecision(d: RouteDecision): string {
  return baseDescription(d) + errorDocumentNote(d);
}

function baseDescription(d: RouteDecision): string {
  switch (d.kind) {
    case 'redirect':
      return `redirect ${d.status} → ${d.location}`;
    case 'status':
      return `status ${d.status} (${d.reason})`;
    case 'auth':
      return `auth 401 (${d.challenge})`;
    case 'proxy':
      return `proxy → ${d.target}`;
    case 'handler':
      return `handler ${d.handlerName} on ${d.path}${d.pathInfo ? ` (path info ${d.pathInfo})` : ''}${d.query !== null ? ` ?${d.query}` : ''}`;
    case 'file':
      return `file ${d.path} (${d.contentType ?? 'no content type'})`;
  }
}

/** What ErrorDocument changed about the answer (the trace's error-document steps say why). */
function errorDocumentNote(d: RouteDecision): string {
  const notes: string[] = [];
  if (d.errorStatus !== undefined) notes.push(`ErrorDocument page, sent with status ${d.errorStatus}`);
  if (d.kind === 'status' || d.kind === 'auth') {
    if (d.customBody !== undefined) notes.push(`ErrorDocument message ${JSON.stringify(d.customBody)}`);
  }
  if (d.kind === 'status' && d.additionalError !== undefined) {
    notes.push(`the ErrorDocument failed: Apache's page plus "Additionally, a ${d.additionalError} … error"${d.loggedStatus !== undefined ? `, logged as ${d.loggedStatus}` : ''}`);
  }
  return notes.length > 0 ? ` [${notes.join('; ')}]` : '';
}

export async function run(argv: string[]): Promise<number> {
  const { flags, positional } = parseArgs(
    argv,
    { 'httpd-conf': 'string', config: 'string', define: 'repeat', header: 'repeat', client: 'string', https: 'boolean', json: 'boolean', 'log-level': 'string' },
    { '-H': 'header', '-D': 'define' },
  );
  const httpdConf = flags['httpd-conf'];
  if (typeof httpdConf !== 'string') throw usageError('explain: --httpd-conf PATH is required (or httpdConf in --config)');
  const config = loadConfig({ httpdConf, defines: (flags.define as string[] | undefined) ?? [], envvars: 'auto', processEnv: process.env });
  const router = new Router(config, new NodeFsView(), { installedHandlers: INSTALLED_HANDLERS, processEnv: (n) => process.env[n], now: () => new Date(), random: Math.random });
  const req = explainRequest(positional, (flags.header as string[] | undefined) ?? [], (flags.client as string | undefined) ?? '127.0.0.1', flags.https === true);
  const { decision, trace } = router.route(req, true);
  if (flags.json) {
    const plain = { ...decision, env: Object.fromEntries(decision.env) };
    process.stdout.write(`${JSON.stringify({ decision: plain, trace }, null, 2)}\n`);
    return 0;
  }
  for (const step of trace ?? []) process.stdout.write(`[${step.phase}] ${step.text}\n`);
  process.stdout.write(`=> ${describeDecision(decision)}\n`);
  if (decision.headers.length > 0) for (const [k, v] of decision.headers) process.stdout.write(`   ${k}: ${v}\n`);
  return 0;
}
