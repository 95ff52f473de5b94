/**
 * Mutated .htaccess files, each in its own folder under the docroot. Apache 2.4 answers every
 * request into such a folder with 500 (a .htaccess that does not parse, core.c ap_parse_htaccess:
 * "AH00529 … .htaccess: Invalid command …"; a rewrite loop: "AH00124 Request exceeded the limit
 * of 10 internal redirects", or the [N] round limit of mod_rewrite) — checked against a real
 * Apache with the same files. The folder's siblings and parent keep serving.
 *
 * `line` is the line `smoothgate check` must name (null: not asserted — the failure is at run time,
 * or Apache itself accepts the file). One surprise, confirmed on Apache 2.4: a section left open at
 * the end of a .htaccess is accepted (its directives apply), so that case answers 200.
 */
export interface HtaccessMutation {
  readonly name: string;
  readonly folder: string;
  readonly text: string | Buffer;
  readonly line: number | null;
  /** What Apache answers for `FOLDER/a.txt` (500 but for the one case Apache tolerates). */
  readonly status: number;
}

/** Deterministic "binary garbage": a xorshift32 stream, so every run writes the same bytes. */
function garbage(bytes: number, seed: number): Buffer {
  const out = Buffer.alloc(bytes);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < bytes; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  // Start with a byte that cannot begin a directive or a comment, so line 1 is the culprit.
  out[0] = 0x01;
  return out;
}

/** About 2 MiB of comments and valid rules, then one unknown directive on the last line. */
function hugeFile(): { text: string; line: number } {
  const lines: string[] = ['RewriteEngine On'];
  for (let i = 0; lines.length < 40_000; i++) {
    lines.push(`# padding comment ${i} ${'-'.repeat(40)}`);
  }
  lines.push('ThisDirectiveDoesNotExist on');
  return { text: lines.join('\n') + '\n', line: lines.length };
}

const huge = hugeFile();

export const HTACCESS_MUTATIONS: readonly HtaccessMutation[] = [
  { name: 'unbalanced <IfModule> (never closed)', folder: 'unclosed-ifmodule', text: '<IfModule mod_rewrite.c>\nRewriteEngine On\nRewriteRule ^x$ a.txt [L]\n', line: null, status: 200 },
  { name: 'stray </Files> without an opening', folder: 'stray-close', text: 'RewriteEngine On\n</Files>\n', line: 2, status: 500 },
  { name: '<Files> closed by </IfModule>', folder: 'crossed-sections', text: '<Files "a.txt">\nRequire all granted\n</IfModule>\n', line: 3, status: 500 },
  { name: 'RewriteRule with an unknown flag', folder: 'bad-flag', text: 'RewriteEngine On\nRewriteRule ^x$ a.txt [L,BOGUS]\n', line: 2, status: 500 },
  { name: 'RewriteRule with an unterminated flag list', folder: 'open-flags', text: 'RewriteEngine On\nRewriteRule ^x$ a.txt [L\n', line: 2, status: 500 },
  { name: 'RewriteRule with a bad regex', folder: 'bad-regex', text: 'RewriteEngine On\nRewriteRule ^(x a.txt [L]\n', line: 2, status: 500 },
  { name: 'RewriteCond with a bad regex', folder: 'bad-cond-regex', text: 'RewriteEngine On\nRewriteCond %{QUERY_STRING} ([a-\nRewriteRule ^x$ a.txt [L]\n', line: 2, status: 500 },
  { name: 'unknown directive', folder: 'unknown-directive', text: '# a comment\nNoSuchDirective on\n', line: 2, status: 500 },
  { name: 'directive of a module not loaded', folder: 'module-not-loaded', text: 'ExpiresActive On\n', line: 1, status: 500 },
  { name: 'Options where AllowOverride forbids it', folder: 'limited/options', text: 'Options +Indexes\n', line: 1, status: 500 },
  { name: 'Require where AllowOverride forbids it', folder: 'limited/require', text: 'Require all denied\n', line: 1, status: 500 },
  { name: 'huge file with an error on its last line', folder: 'huge', text: huge.text, line: huge.line, status: 500 },
  { name: 'binary garbage', folder: 'garbage', text: garbage(64 * 1024, 0x5eed), line: 1, status: 500 },
  // A substitution that grows and re-enters the same folder: Apache stops it after
  // LimitInternalRecursion (10) internal redirects with 500.
  { name: 'RewriteRule internal-redirect loop', folder: 'redirect-loop', text: 'RewriteEngine On\nRewriteRule ^(.*)$ $1x\n', line: null, status: 500 },
  // [N] restarts the rule set in the same round; mod_rewrite bounds it (RewriteOptions MaxRedirects
  // of old, the [N=…] limit of 2.4.8+, 10000 rounds) and answers 500.
  { name: 'RewriteRule [N] loop that never ends', folder: 'next-loop', text: 'RewriteEngine On\nRewriteRule ^(.*)$ y$1 [N]\n', line: null, status: 500 },
];
