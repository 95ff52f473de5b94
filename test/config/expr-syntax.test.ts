/** ap_expr syntax check: every form of the manual parses; grammar violations are refused. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkBoolExpression } from '../../src/config/expr-syntax';

const ACCEPTED = [
  'true', 'false', '!true', '!!true', 'true && !false || false', '-z %{QUERY_STRING}', "%{HTTP_HOST} == 'example.com'", "%{HTTP_HOST} = 'a'",
  '%{REQUEST_URI} =~ m#^/x#i', "%{REQUEST_URI} =~ /x/ && !(%{HTTPS} == 'on')", "%{REMOTE_ADDR} -ipmatch '192.168.1.0/24'",
  "%{HTTP_USER_AGENT} in { 'a', 'b' }", "tolower(%{HTTP_HOST}) == 'x'", '%{TIME_HOUR} -gt 9', "req('Host') = 'a'", "%{REQUEST_URI} =~ /(x)/ && $1 == 'x'",
  "%{ENV:X} == '1'", "%{REQUEST_URI} . %{QUERY_STRING} == 'ab'", '1 -eq 1', "'a' < 'b'", '%{REQUEST_URI} !~ /x/', "%{REQUEST_URI}=='a'",
  "\"%{HTTP_HOST}\" != 'a'",
];
const REFUSED = ['bogus', '%{X', '(true', 'true false', '%{REQUEST_URI} ==', '== %{REQUEST_URI}', '%{REQUEST_URI} =~ x', "'abc", 'true ||', '()', '%{QUERY_STRING}', '-z', "'true'", '%{HTTP_HOST} =~ m{^a}'];

test('ap_expr: accepted forms', () => {
  for (const expr of ACCEPTED) assert.equal(checkBoolExpression(expr), null, expr);
});

test('ap_expr: refused forms', () => {
  for (const expr of REFUSED) assert.notEqual(checkBoolExpression(expr), null, expr);
});
