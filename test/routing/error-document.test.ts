/**
 * ErrorDocument in the routing core beyond what the oracle cases observe: the action ap_die_r takes
 * for each kind of setting, string expressions with escapes, a handler's own status routed through
 * ErrorDocument (Router.routeHandlerError), and what `explain` shows.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeDecision } from '../../src/cli/explain-command';
import { errorDocumentAction } from '../../src/routing/error-document';
import { Router } from '../../src/routing/router';
import type { RoutingRequest } from '../../src/routing/routing-request';
import { NodeFsView } from '../../src/fs/node-fs-view';
import { load, tempConf } from '../config/temp-conf';

function request(target: string, method = 'GET'): RoutingRequest {
  return { method, rawTarget: target, protocol: 'HTTP/1.1', headers: [['Host', 'www.example.com']], clientIp: '127.0.0.1', clientPort: 40000, localIp: '127.0.0.1', localPort: 80, isHttps: false };
}

function withRouter(conf: string, files: Record<string, string>, body: (router: Router, root: string) => void): void {
  const t = tempConf(`${load(['authz_core', 'mime', 'rewrite', 'proxy', 'proxy_http'])}\nServerName www.example.com\nDocumentRoot "@ROOT@/htdocs"\n<Directory "@ROOT@/htdocs">\nRequire all granted\nAllowOverride All\n</Directory>\n${conf}`, { 'htdocs/t.html': 't', ...files });
  try {
    body(new Router(t.load(), new NodeFsView(), { installedHandlers: new Set(['h264-streaming']) }), t.root);
  } finally {
    t.cleanup();
  }
}

test('ap_die_r: a leading quote is a message, a scheme a redirect, a slash an internal redirect, anything else invalid', () => {
  assert.deepEqual(errorDocumentAction('"Go away'), { kind: 'message', body: 'Go away' });
  assert.deepEqual(errorDocumentAction('https://x.example/y'), { kind: 'external', url: 'https://x.example/y' });
  assert.deepEqual(errorDocumentAction('/e.html?x=1'), { kind: 'internal', url: '/e.html?x=1' });
  // An expression that evaluates to something else (the value was classified before evaluation).
  assert.deepEqual(errorDocumentAction('relative.html'), { kind: 'invalid', text: 'relative.html' });
});

test('string expressions: variables, functions and backslash escapes', () => {
  // The quoted word loses one level of backslashes (ap_getword_conf), then `\%` is a literal '%'.
  withRouter('ErrorDocument 404 "at\\t%{REQUEST_URI} %{tolower:ABC} \\\\%{HTTP_HOST} \\101"\n', {}, (router) => {
    const d = router.decide(request('/Nope'));
    assert.equal(d.kind, 'status');
    assert.equal(d.kind === 'status' ? d.customBody : null, 'at\t/Nope abc %{HTTP_HOST} A');
  });
});

test('a status a handler ends in goes through ErrorDocument for the request that reached it', () => {
  withRouter('AddHandler h264-streaming.extensions .mp4\nErrorDocument 415 /err/415.html\nErrorDocument 502 "backend away"\nProxyPass /api/ http://127.0.0.1:9/\n', { 'htdocs/v.mp4': 'mp4', 'htdocs/err/415.html': 'p' }, (router, root) => {
    const media = router.routeHandlerError(request('/v.mp4?start=3'), 415, 'SG_ERR_STREAM_UNSUPPORTED');
    assert.equal(media.kind, 'file');
    assert.equal(media.errorStatus, 415);
    assert.equal(media.kind === 'file' ? media.path : null, `${root}/htdocs/err/415.html`);
    assert.equal(media.env.get('REDIRECT_STATUS'), '415');
    const proxy = router.routeHandlerError(request('/api/x', 'POST'), 502, 'refused');
    assert.deepEqual([proxy.kind, proxy.status, proxy.kind === 'status' ? proxy.customBody : null], ['status', 502, 'backend away']);
    const none = router.routeHandlerError(request('/t.html'), 504, 'timeout');
    assert.deepEqual([none.kind, none.status, none.kind === 'status' ? none.customBody : 'x'], ['status', 504, undefined]);
  });
});

test('explain traces the error-document step and says what it made of the answer', () => {
  withRouter('ErrorDocument 404 /err/404.html\n', { 'htdocs/err/404.html': 'p', 'htdocs/broken/.htaccess': 'ErrorDocument 404 /broken/none.html\n' }, (router) => {
    const { decision, trace } = router.route(request('/missing'), true);
    const steps = trace!.map((s) => `${s.phase}: ${s.text}`);
    assert.ok(steps.includes('error-document: ErrorDocument 404 /err/404.html → internal'), steps.join('\n'));
    assert.ok(steps.includes('internal-redirect: /err/404.html'));
    assert.match(describeDecision(decision), /\[ErrorDocument page, sent with status 404\]$/);
    const failed = router.route(request('/broken/x'), true);
    assert.match(describeDecision(failed.decision), /^status 404 .*the ErrorDocument failed: Apache's page plus "Additionally, a 404 … error"\]$/);
  });
});
