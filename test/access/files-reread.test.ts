/** Password and group files are read through the FsView at request time and re-read when they change. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkPasswordFile } from '../../src/access/authn-file';
import { groupsOfUser } from '../../src/access/groupfile';
import { NodeFsView } from '../../src/fs/node-fs-view';
import type { FsView } from '../../src/routing/fs-view';

test('an edited password file is used on the next request; a removed one is a general error', () => {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'sg-pw-')));
  try {
    const file = join(dir, 'users');
    const fs = new NodeFsView();
    writeFileSync(file, 'carol:{SHA}hsAaMBat8aKiQgxhKhAqvbXOPbw=\n');
    assert.equal(checkPasswordFile(fs, file, Buffer.from('carol'), Buffer.from('carol-pw')), 'granted');
    writeFileSync(file, '# carol removed\n');
    assert.equal(checkPasswordFile(fs, file, Buffer.from('carol'), Buffer.from('carol-pw')), 'userNotFound');
    rmSync(file);
    assert.equal(typeof checkPasswordFile(fs, file, Buffer.from('carol'), Buffer.from('carol-pw')), 'object');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('files are read only through the injected FsView', () => {
  const reads: string[] = [];
  const fake: FsView = {
    stat: () => null,
    lstat: () => null,
    readText: (path) => {
      reads.push(path);
      return path === '/virtual/groups' ? 'editors: bob\n  # x\nviewers : carol bob\n' : null;
    },
  };
  assert.deepEqual([...(groupsOfUser(fake, '/virtual/groups', 'bob') ?? [])].sort(), ['editors', 'viewers']);
  assert.equal(groupsOfUser(fake, '/virtual/missing', 'bob'), null);
  assert.deepEqual(reads, ['/virtual/groups', '/virtual/missing']);
});
