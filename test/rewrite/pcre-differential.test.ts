/**
 * Differential check of the PCRE translation against PCRE2 itself, through GNU grep -P in the C
 * locale (no UTF, like Apache's ap_regcomp): for each pattern, which subjects match. Subjects have
 * no newline, so grep's line handling and Apache's DOTALL/DOLLAR_ENDONLY defaults do not differ.
 * Skipped when grep has no -P.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { execPcre, translatePcre } from '../../src/rewrite/pcre';

const hasGrepP = spawnSync('grep', ['-qP', 'a'], { input: 'a\n' }).status === 0;

const PATTERNS = [
  '^(.*)\\.ism/manifest$', '^(.*)/(.*)\\.ism/QualityLevels\\(([0-9]+)\\)/Fragments\\((.*)=([0-9]+)\\)(.*)$',
  '^[^/]+/?$', '\\.(?:css|js)$', '^(?!index\\.php)', '(?<=a)b', '^a{2,3}$', '^a{,2}$', 'x{', '[[:alpha:]]+\\d',
  '[^[:space:]]', '\\bword\\b', '^\\w+$', '[\\w.-]+@', '^[]x]+$', '^[^]x]+$', '[a\\-z]', '[\\[\\]]', '(a|b)*c',
  'a++b', '(?>a+)b', 'a*+a', '\\x41', '\\101', '[\\x41-\\x43]+', '\\Qa.b\\E', '(?i)ABC', '^\\s+$', '^\\S+$',
  '[\\s\\S]', '\\h', '\\v', '^(a)\\1$', '(?P<n>x)(?P=n)', '\\d{2}-\\d{2}', '^/wp-(admin|includes)/',
  '\\.(gif|jpe?g|png)$', '^(.+/.*|autoload)\\.php($|/)', '/core/[^/]*\\.php$', '^[a-z0-9_-]+$', '[.]', 'a|', '()',
  '(a?)+b', '^.{3}$', '[\\d-z]', '[a-]', '\\$', '^(?i:abc)', 'a(?#comment)b', '\\e', '\\cA', '[\\b]', '\\Z', '^a\\z',
  'a(?i)b|c', '(a(?i)b)c', '(?i)a(?-i)b', '[\\w-]+', '[a-\\d]', '[%-/]', '^[[:upper:]]+$', '[^a-c]', '\\xe9',
  '[\\xe0-\\xff]', 'A[b-d]E', '(?<=a).(?>\\s)?', '(?>ab|a)*b', 'x(?=a)?a', '[^[:lower:]]', 'x*?y', '(?:ab){2,}', '\\W+', '[[:^digit:]]', '(?i)\\x41',
];
const SUBJECTS = [
  '', 'a', 'ab', 'abc', 'ABC', 'aBc', 'aab', 'aaab', 'b', 'c', 'C', 'x{', 'x', 'aa', 'ab-c', 'video.ism/manifest',
  'v/c.ism/QualityLevels(1)/Fragments(video=0)', 'word', 'a word b', 'foo@bar', ']x]', 'y', '[', ']', '-', 'z',
  'a.b', 'axb', '12-34', '/wp-admin/x', 'p.jpeg', 'sub/x.php', 'autoload.php', '/core/x.php', 'x.css', '\x01',
  '\x1b', ' \t', '\x0b', 'A', 'ABCD', 'q', '$', 'abcd', 'abd', 'index.php', ' ', '\xa0', '\xe9', '\xc9', 'a_b-9',
  '\x08', 'aaa', 'AbE', '5', '%', 'xxy', 'abab', 'ababab', '!!', 'xx', 'aBC',
];

test('translated patterns match exactly what PCRE2 matches', { skip: !hasGrepP && 'grep -P not available' }, () => {
  const input = Buffer.from(SUBJECTS.map((s) => s + '\n').join(''), 'latin1');
  const differences: string[] = [];
  for (const noCase of [false, true]) {
    for (const p of PATTERNS) {
      const g = spawnSync('grep', ['-naP', ...(noCase ? ['-i'] : []), '--', p], { input, env: { LC_ALL: 'C' } });
      const t = translatePcre(p, noCase);
      if (g.status === 2) {
        if (t.ok) differences.push(`${p}: PCRE refuses it, we accept it`);
        continue;
      }
      const pcreHits = new Set(g.stdout.toString('latin1').split('\n').filter((l) => l !== '').map((l) => Number(l.slice(0, l.indexOf(':'))) - 1));
      if (!t.ok) {
        differences.push(`${p}${noCase ? ' [NC]' : ''}: refused (${t.reason})`);
        continue;
      }
      SUBJECTS.forEach((s, i) => {
        const ours = execPcre(t.value, s) !== null;
        if (ours !== pcreHits.has(i)) differences.push(`${p}${noCase ? ' [NC]' : ''} on ${JSON.stringify(s)}: PCRE ${pcreHits.has(i)}, ours ${ours}`);
      });
    }
  }
  // Back-references under case-insensitivity are refused on purpose (no JS equivalent).
  const expected = [
    '^(a)\\1$ [NC]: refused (a back-reference in a case-insensitive pattern has no JavaScript equivalent)',
    '(?P<n>x)(?P=n) [NC]: refused (a back-reference in a case-insensitive pattern has no JavaScript equivalent)',
  ];
  assert.deepEqual(differences, expected);
});

const ATOMS = [
  'a', 'b', 'A', '.', '\\d', '\\w', '\\s', '\\S', '\\W', '\\D', '\\h', '[a-c]', '[^a]', '[A-c]', '[[:alpha:]]', '[^[:upper:]]',
  '[\\d-]', '[\\w.]', '[\\]]', '[]a]', '(', ')', '(?:', '(?i)', '(?-i)', '(?i:', '(?s)', '(?>', '(a|B)', '|', '*', '+', '?',
  '{2}', '{1,}', '{,3}', '{3,1}', 'x{', '*?', '++', '^', '$', '\\b', '\\Z', '\\z', '\\A', '\\.', '-', 'x', '\\Qa.\\E',
  '\\x41', '\\101', '\\e', '(?=a)', '(?!b)', '(?<=a)', '\\1', '\\2',
];
const FUZZ_SUBJECTS = ['', 'a', 'ab', 'abc', 'AbC', 'aaa', 'ba', 'a.b', 'x1', '-', 'a b', 'bab', 'aab', 'Aa', '12', 'xa', 'x{', ']'];

/** A small deterministic generator (xorshift) so that the fuzz run is reproducible. */
function* randomPatterns(count: number, seed: number): Generator<string> {
  let x = seed;
  const next = (): number => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x100000000;
  };
  for (let i = 0; i < count; i++) {
    const len = 1 + Math.floor(next() * 7);
    let p = '';
    for (let j = 0; j < len; j++) p += ATOMS[Math.floor(next() * ATOMS.length)];
    yield p;
  }
}

test('random patterns: accepted, refused and matched as PCRE2 does', { skip: !hasGrepP && 'grep -P not available' }, () => {
  const input = Buffer.from(FUZZ_SUBJECTS.map((s) => s + '\n').join(''), 'latin1');
  const differences: string[] = [];
  let i = 0;
  for (const p of randomPatterns(400, 0x5eed1234)) {
    const noCase = i++ % 2 === 1;
    const g = spawnSync('grep', ['-naP', ...(noCase ? ['-i'] : []), '--', p], { input, env: { LC_ALL: 'C' } });
    const t = translatePcre(p, noCase);
    if (g.status === 2) {
      if (t.ok) differences.push(`${p}: PCRE refuses it, we accept it`);
      continue;
    }
    if (!t.ok) {
      // Refusing a valid pattern is allowed only as "unsupported" (a clear config error).
      if (!/no JavaScript equivalent|not supported/.test(t.reason)) differences.push(`${p}: we call it invalid (${t.reason})`);
      continue;
    }
    const hits = new Set(g.stdout.toString('latin1').split('\n').filter((l) => l !== '').map((l) => Number(l.slice(0, l.indexOf(':'))) - 1));
    FUZZ_SUBJECTS.forEach((s, k) => {
      if ((execPcre(t.value, s) !== null) !== hits.has(k)) differences.push(`${p}${noCase ? ' [NC]' : ''} on ${JSON.stringify(s)}`);
    });
  }
  assert.deepEqual(differences, []);
});
