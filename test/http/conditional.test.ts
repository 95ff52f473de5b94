import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateConditions } from '../../src/http/conditional';

const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);
const validators = { etag: '"abc"', lastModified: new Date(Date.UTC(2026, 0, 1)) };

test('If-Modified-Since later than the server clock is ignored, not a 304 (Apache ap_condition_if_modified_since)', () => {
  const future = { 'if-modified-since': 'Fri, 01 Jan 2100 00:00:00 GMT' };
  assert.equal(evaluateConditions('GET', future, validators, NOW), 'proceed');
  // A date between the file's mtime and now is the ordinary 304.
  const past = { 'if-modified-since': 'Sat, 10 Jan 2026 00:00:00 GMT' };
  assert.equal(evaluateConditions('GET', past, validators, NOW), 'not-modified');
  // Exactly now still counts (ims <= request_time).
  assert.equal(evaluateConditions('GET', { 'if-modified-since': new Date(NOW).toUTCString() }, validators, NOW), 'not-modified');
});
