/** The optional TLS listener (INTERFACE.md §3 `tls`): HTTPS served, %{HTTPS} on for the core. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { startGateway } from '../helpers/gateway';
import { buildDecision } from '../helpers/table-decide';

const haveOpenssl = spawnSync('openssl', ['version']).status === 0;

test('a TLS listener serves HTTPS and tells the routing core', { skip: !haveOpenssl }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sg-tls-'));
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost', '-keyout', key, '-out', cert], { stdio: 'ignore' });
  assert.equal(made.status, 0);
  const seen: boolean[] = [];
  const gw = await startGateway(t, {
    settings: { tls: { listen: { host: '127.0.0.1', port: 0 }, certPath: cert, keyPath: key } },
    decide: (req) => {
      seen.push(req.isHttps);
      return buildDecision(req, { kind: 'redirect', status: 302, location: req.isHttps ? 'https://x/' : 'http://x/' });
    },
  });
  const tlsPort = gw.addresses.tls!.port;
  const dispatcher = new Agent({ connect: { rejectUnauthorized: false } });
  t.after(() => dispatcher.close());
  const res = await request(`https://127.0.0.1:${tlsPort}/`, { dispatcher });
  await res.body.dump();
  assert.equal(res.statusCode, 302);
  assert.equal(res.headers.location, 'https://x/');
  const plain = await request(`${gw.url}/`);
  await plain.body.dump();
  assert.equal(plain.headers.location, 'http://x/');
  assert.deepEqual(seen, [true, false]);
});

