import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ERROR_CATALOGUE, SgError } from '../src/errors';

test('every catalogue code follows SG_ERR_<AREA>_<WHAT>', () => {
  for (const code of Object.keys(ERROR_CATALOGUE)) assert.match(code, /^SG_ERR_[A-Z0-9]+_[A-Z0-9_]+$/);
});

test('SgError fills its template, keeps code, status and location', () => {
  const err = new SgError('SG_ERR_CONFIG_UNKNOWN_DIRECTIVE', { name: 'FooBar' }, { where: { file: '/x.conf', line: 3 } });
  assert.equal(err.code, 'SG_ERR_CONFIG_UNKNOWN_DIRECTIVE');
  assert.match(err.message, /^Invalid command 'FooBar'/);
  assert.equal(err.describe().startsWith('/x.conf:3: '), true);
  assert.equal(new SgError('SG_ERR_STREAM_METHOD', { method: 'PUT' }).httpStatus, 405);
});
