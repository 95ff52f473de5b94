/** Our error and redirect bodies are byte for byte Apache 2.4.71's (ServerSignature Off). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apacheAvailable, startApache } from '../helpers/apache-backend';
import { fetchRaw } from '../helpers/http-client';
import { errorPageBody, reasonPhrase } from '../../src/server/error-page';

test('bodies match a real Apache for 301/302/303/307/308/403/404/405/410', { skip: !apacheAvailable() }, async (t) => {
  const apache = await startApache({
    files: { 'a.txt': 'a' },
    conf: [301, 302, 303, 307, 308].map((s) => `Redirect ${s} /r${s} http://example.com/to${s}?a=1&b=<2>`).join('\n') + '\nRedirect 410 /gone\n<Location /forbidden>\nRequire all denied\n</Location>\n',
  });
  t.after(() => apache.stop());
  for (const status of [301, 302, 303, 307, 308]) {
    const r = await fetchRaw(`${apache.url}/r${status}`);
    assert.equal(r.status, status);
    assert.equal(r.body.toString('latin1'), errorPageBody(status, { method: 'GET', location: String(r.headers.location) }), `${status}`);
  }
  for (const [path, status, method] of [['/gone', 410, 'GET'], ['/forbidden', 403, 'GET'], ['/missing', 404, 'GET'], ['/a.txt', 405, 'PUT']] as const) {
    const r = await fetchRaw(apache.url + path, { method, body: method === 'PUT' ? 'x' : undefined });
    assert.equal(r.status, status);
    assert.equal(r.body.toString('latin1'), errorPageBody(status, { method }), `${status}`);
  }
  assert.equal(reasonPhrase(414), 'Request-URI Too Long');
});
