/**
 * Access control smoothgate cannot evaluate fails closed (INTERFACE.md §9): the configuration loads,
 * the migration report lists the scope (file:line), and every request in that scope is a 500 with
 * the reason — never a silent allow. Requests outside the scope are unaffected.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { failClosedNotes } from '../../src/access/report';
import { ACCESS_MODULES, basic, dir, loadCase, route } from './harness';

const SUB = { 'htdocs/sub/clip.mp4': 'x\n' };

interface Scenario {
  readonly name: string;
  readonly modules?: string[];
  readonly body: string;
  readonly reason: RegExp;
  readonly headers?: Record<string, string>;
}

const SCENARIOS: Scenario[] = [
  { name: 'Require ldap-group (mod_authnz_ldap)', modules: [...ACCESS_MODULES, '+ldap', '+authnz_ldap'], body: '  Require ldap-group cn=editors,dc=example\n', reason: /ldap-group/ },
  { name: 'AuthBasicProvider ldap', modules: [...ACCESS_MODULES, '+ldap', '+authnz_ldap'], body: '  AuthType Basic\n  AuthName "x"\n  AuthBasicProvider ldap\n  Require valid-user\n', reason: /ldap/ },
  { name: 'AuthBasicProvider dbd', modules: [...ACCESS_MODULES, '+dbd', '+authn_dbd'], body: '  AuthType Basic\n  AuthName "x"\n  AuthBasicProvider dbd\n  Require valid-user\n', reason: /dbd/ },
  { name: 'Require dbd-group', modules: [...ACCESS_MODULES, '+dbd', '+authz_dbd'], body: '  Require dbd-group editors\n', reason: /dbd-group/ },
  { name: 'AuthType Digest', modules: [...ACCESS_MODULES, '+auth_digest'], body: '  AuthType Digest\n  AuthName "x"\n  AuthDigestProvider file\n  AuthUserFile "@ROOT@/users"\n  Require valid-user\n', reason: /Digest/ },
  { name: 'Require expr with a file test', body: '  Require expr "-f %{REQUEST_FILENAME}"\n', reason: /expr/ },
  { name: 'Require expr on REMOTE_USER', body: '  Require expr "%{REMOTE_USER} == \'bob\'"\n', reason: /REMOTE_USER/ },
  { name: 'Require user with an ap_expr argument', body: '  AuthType Basic\n  AuthName "x"\n  AuthUserFile "@ROOT@/users"\n  Require user %{HTTP:X-User}\n', reason: /expr/ },
  { name: 'SSLRequire (mod_ssl)', modules: [...ACCESS_MODULES, '+socache_shmcb', '+ssl'], body: '  SSLRequire %{SSL_CLIENT_S_DN_O} eq "Example"\n', reason: /SSLRequire/ },
  { name: 'SSLVerifyClient require', modules: [...ACCESS_MODULES, '+socache_shmcb', '+ssl'], body: '  SSLVerifyClient require\n', reason: /SSLVerifyClient/ },
  { name: '<If> outside the evaluated ap_expr subset, holding Require', body: '  <If "-f %{REQUEST_FILENAME}">\n    Require all denied\n  </If>\n', reason: /If/ },
  { name: '<Else> after an undecidable <If>, holding Require', body: '  <If "-f %{REQUEST_FILENAME}">\n    Header set X-A 1\n  </If>\n  <Else>\n    Require all denied\n  </Else>\n', reason: /Else/ },
];

for (const s of SCENARIOS) {
  test(`fail closed: ${s.name} — listed by the report, 500 in scope, untouched outside`, () => {
    const conf = dir(s.body, '@DOCROOT@/sub');
    const loaded = loadCase({ conf, files: SUB, modules: s.modules });
    try {
      const notes = failClosedNotes(loaded.config);
      assert.ok(notes.length > 0, 'the migration report lists the scope');
      assert.ok(notes.every((n) => n.where.line > 0 && n.where.file.endsWith('httpd.conf')), 'notes name file:line');
    } finally {
      loaded.dispose();
    }
    const inside = route({ conf, files: SUB, modules: s.modules, target: '/sub/clip.mp4', headers: { Authorization: basic('bob', 'bob-pw'), ...(s.headers ?? {}) } }).decision;
    assert.equal(inside.kind, 'status');
    assert.equal(inside.status, 500);
    if (inside.kind === 'status') assert.match(inside.reason, s.reason);
    const outside = route({ conf, files: SUB, modules: s.modules }).decision;
    assert.equal(outside.kind, 'file', 'a request outside the scope is served');
  });
}

test('fail closed: an htpasswd hash family we do not compute is a 500 for that user, not a guess', () => {
  const conf = dir('  AuthType Basic\n  AuthName "x"\n  AuthUserFile "@ROOT@/users"\n  Require valid-user\n');
  const files = { users: 'kate:$y$j9T$F5Jx5fExrKuPp53xLKQ..1$X3DX6M94c7o.9agCG9G317fhZg9SqC.5i5rd.RhAtQ7\n' };
  const d = route({ conf, files, headers: { Authorization: basic('kate', 'kate-pw') } }).decision;
  assert.equal(d.status, 500);
  if (d.kind === 'status') {
    assert.match(d.reason, /\$y\$/);
    assert.doesNotMatch(d.reason, /kate-pw/);
  }
});

test('fail closed: a provider of a module that is not loaded is a configuration error (apache2 -t fails)', () => {
  assert.throws(() => loadCase({ conf: dir('  AuthType Basic\n  AuthName "x"\n  AuthBasicProvider ldap\n  Require valid-user\n') }), /Unknown Authn provider/);
  assert.throws(() => loadCase({ conf: dir('  Require ldap-group x\n') }), /Unknown Authz provider/);
});
