import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getWordConf, readLogicalLines, splitWords } from '../../src/config/lexer';

const lines = (text: string) => readLogicalLines(text).map((l) => [l.text, l.line]);

test('continuation joins physical lines, keeps the next line\'s leading whitespace, reports the last line', () => {
  assert.deepEqual(lines('Header set X-D "one \\\n   two"\nNext'), [['Header set X-D "one    two"', 2], ['Next', 3]]);
});

test('continuation works inside comments: a comment ending in \\ swallows the next line', () => {
  assert.deepEqual(lines('# c \\\nHeader set X 1\nB'), [['# c Header set X 1', 2], ['B', 3]]);
});

test('a backslash followed by whitespace is no continuation', () => {
  assert.deepEqual(lines('Header set X-M a \\ \nB'), [['Header set X-M a \\', 1], ['B', 2]]);
});

test('a doubled backslash at the end still continues (one backslash dropped)', () => {
  assert.deepEqual(lines('Header set X-M "a\\\\\nHeader set X-N b'), [['Header set X-M "a\\Header set X-N b', 2]]);
});

test('CRLF line ends; continuation over CRLF; last line without LF keeps its backslash', () => {
  assert.deepEqual(lines('A 1\r\nB \\\r\n2\r\nC \\'), [['A 1', 1], ['B 2', 3], ['C \\', 4]]);
});

test('lines are trimmed; empty lines are kept for numbering', () => {
  assert.deepEqual(lines('  \t A  \n\n  B'), [['A', 1], ['', 2], ['B', 3]]);
});

test('ap_getword_conf: quotes, escapes, unterminated quotes, "x"y', () => {
  assert.deepEqual(splitWords('a\\\\b\\c "a\\"b\\\\c\\d" \'it\\\'s\''), ['a\\b\\c', 'a"b\\c\\d', "it's"]);
  assert.deepEqual(splitWords('"x"y'), ['x', 'y']);
  assert.deepEqual(splitWords('"abc def'), ['abc def']);
  assert.deepEqual(splitWords('a#b "c d"  e'), ['a#b', 'c d', 'e']);
  assert.deepEqual(splitWords("'a\"b' \"c'd\""), ['a"b', "c'd"]);
  const cursor = { text: '  one   two ', pos: 0 };
  assert.equal(getWordConf(cursor), 'one');
  assert.equal(cursor.text.slice(cursor.pos), 'two ');
});

test('an empty line after a kept backslash continues again (Apache checks the whole buffer\'s last byte)', () => {
  // "ServerAdmin  \\\\" keeps one backslash; the empty next line then ends in that backslash too.
  assert.deepEqual(lines('ServerAdmin  \\\\\n\n \\\n $a\nB'), [['ServerAdmin    $a', 4], ['B', 5]]);
});
