/**
 * A syntax check for ap_expr boolean expressions (httpd server/util_expr_parse.y and
 * util_expr_scan.l; doc: "Expressions in Apache HTTP Server"), used where Apache parses one at
 * configuration time: <If>/<ElseIf>, `Header … expr=`, SetEnvIfExpr, `Require expr`. It only
 * rejects what the grammar cannot derive (so `apache2 -t` rejects it too); names of variables,
 * functions and operators are not checked (Apache also checks those: we may accept more).
 * Expressions are never evaluated (INTERFACE.md §9).
 */
type Token =
  | { kind: 'str' } // a quoted string, a %{…} variable, a $N back-reference
  | { kind: 'digit' }
  | { kind: 'id'; text: string }
  | { kind: 'op'; text: string }
  | { kind: 'regex' }
  | { kind: 'end' };

class ExprSyntaxError extends Error {}

function fail(message: string): never {
  throw new ExprSyntaxError(message);
}

/** %{NAME} or %{NAME:string}; returns the index after '}'. */
function scanVariable(text: string, start: number): number {
  let i = start + 2;
  const id = /^[a-zA-Z][a-zA-Z0-9_]*/.exec(text.slice(i));
  if (!id) fail('syntax error in %{…}');
  i += id[0].length;
  if (text[i] === '}') return i + 1;
  if (text[i] !== ':') fail("syntax error, expecting T_VAR_END or ':'");
  i++;
  while (i < text.length && text[i] !== '}') {
    if (text[i] === '%' && text[i + 1] === '{') i = scanVariable(text, i);
    else i++;
  }
  if (i >= text.length) fail('Unterminated string or variable');
  return i + 1;
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let expectRegex = false;
  while (i < text.length) {
    const ch = text[i] as string;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (expectRegex) {
      expectRegex = false;
      let delim: string;
      if (ch === '/') delim = '/';
      else if (ch === 'm' && i + 1 < text.length && !/[\s\w]/.test(text[i + 1] as string)) {
        i++;
        delim = text[i] as string;
      } else fail('syntax error, expecting a regular expression');
      const close = text.indexOf(delim, i + 1);
      if (close < 0) fail('Unterminated regexp');
      i = close + 1;
      if (text[i] === 'i') i++;
      tokens.push({ kind: 'regex' });
      continue;
    }
    if (ch === '"' || ch === "'") {
      let j = i + 1;
      while (j < text.length && text[j] !== ch) {
        if (text[j] === '\\') j += 2;
        else if (text[j] === '%' && text[j + 1] === '{') j = scanVariable(text, j);
        else j++;
      }
      if (j >= text.length) fail('Unterminated string or variable');
      tokens.push({ kind: 'str' });
      i = j + 1;
      continue;
    }
    if (ch === '%' && text[i + 1] === '{') {
      i = scanVariable(text, i);
      tokens.push({ kind: 'str' });
      continue;
    }
    if (ch === '$' && /[0-9]/.test(text[i + 1] ?? '')) {
      tokens.push({ kind: 'str' });
      i += 2;
      continue;
    }
    const digits = /^[0-9]+/.exec(text.slice(i));
    if (digits) {
      tokens.push({ kind: 'digit' });
      i += digits[0].length;
      continue;
    }
    const dashOp = /^-[a-zA-Z_][a-zA-Z0-9_]*/.exec(text.slice(i));
    if (dashOp) {
      tokens.push({ kind: 'op', text: dashOp[0].length === 2 ? 'unary' : 'binary' });
      i += dashOp[0].length;
      continue;
    }
    const op = /^(==|=~|!=|!~|<=|>=|&&|\|\||[=<>!(){},.])/.exec(text.slice(i));
    if (op) {
      const t = op[0] === '=' ? '==' : op[0];
      tokens.push({ kind: 'op', text: ['==', '!=', '<', '<=', '>', '>='].includes(t) ? 'cmp' : t });
      if (t === '=~' || t === '!~') expectRegex = true;
      i += op[0].length;
      continue;
    }
    const id = /^[a-zA-Z][a-zA-Z0-9_]*/.exec(text.slice(i));
    if (id) {
      tokens.push({ kind: 'id', text: id[0] });
      i += id[0].length;
      continue;
    }
    fail(`syntax error at '${ch}'`);
  }
  tokens.push({ kind: 'end' });
  return tokens;
}

class Parser {
  private pos = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(): Token {
    return this.tokens[this.pos] as Token;
  }
  private isOp(text: string): boolean {
    const t = this.peek();
    return t.kind === 'op' && t.text === text;
  }
  private expectOp(text: string): void {
    if (!this.isOp(text)) fail(`syntax error, expecting '${text}'`);
    this.pos++;
  }

  parseAll(): void {
    this.expr();
    if (this.peek().kind !== 'end') fail('syntax error, unexpected trailing input');
  }

  private expr(): void {
    this.andExpr();
    while (this.isOp('||')) {
      this.pos++;
      this.andExpr();
    }
  }
  private andExpr(): void {
    this.notExpr();
    while (this.isOp('&&')) {
      this.pos++;
      this.notExpr();
    }
  }
  private notExpr(): void {
    if (this.isOp('!')) {
      this.pos++;
      this.notExpr();
      return;
    }
    this.primary();
  }
  private primary(): void {
    const t = this.peek();
    if (t.kind === 'id' && (t.text === 'true' || t.text === 'false')) {
      this.pos++;
      return;
    }
    if (this.isOp('(')) {
      this.pos++;
      this.expr();
      this.expectOp(')');
      return;
    }
    if (this.isOp('unary')) {
      this.pos++;
      this.word();
      return;
    }
    this.word();
    const op = this.peek();
    if (op.kind === 'op' && (op.text === 'cmp' || op.text === 'binary' || op.text === 'unary')) {
      // A two-letter "-x" after a word is read as a binary operator by Apache's scanner too.
      this.pos++;
      this.word();
    } else if (op.kind === 'id' && op.text === 'in') {
      this.pos++;
      this.wordList();
    } else if (op.kind === 'op' && (op.text === '=~' || op.text === '!~')) {
      this.pos++;
      if (this.peek().kind !== 'regex') fail('syntax error, expecting a regular expression');
      this.pos++;
    } else fail('syntax error, expecting a comparison');
  }
  private wordList(): void {
    if (this.isOp('{')) {
      this.pos++;
      this.word();
      while (this.isOp(',')) {
        this.pos++;
        this.word();
      }
      this.expectOp('}');
      return;
    }
    this.functionCall();
  }
  private functionCall(): void {
    const t = this.peek();
    if (t.kind !== 'id') fail('syntax error, expecting a function name');
    this.pos++;
    this.expectOp('(');
    this.word();
    this.expectOp(')');
  }
  private word(): void {
    this.wordAtom();
    while (this.isOp('.')) {
      this.pos++;
      this.wordAtom();
    }
  }
  private wordAtom(): void {
    const t = this.peek();
    if (t.kind === 'str' || t.kind === 'digit') {
      this.pos++;
      return;
    }
    if (t.kind === 'id' && t.text !== 'true' && t.text !== 'false' && t.text !== 'in') {
      this.functionCall();
      return;
    }
    fail("syntax error, unexpected token, expecting a word");
  }
}

/** null when the boolean expression parses, else a message. */
export function checkBoolExpression(text: string): string | null {
  try {
    new Parser(tokenize(text)).parseAll();
    return null;
  } catch (err) {
    if (err instanceof ExprSyntaxError) return err.message;
    throw err;
  }
}
