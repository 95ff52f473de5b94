/**
 * The reader: files → ConfigNode tree, executing read-time directives on the way (httpd
 * server/config.c ap_build_config, ap_build_config_sub, ap_build_cont_config,
 * ap_soak_end_container; SPEC-NOTES §4.1). Structure errors carry Apache's exact texts.
 */
import { SgError, type ErrorCode, type SourceLocation } from '../errors';
import { getWordConf, readLogicalLines, restOf, type LogicalLine } from './lexer';
import type { ConfigNode } from './tree';
import type { ReadContext } from './read-context';
import { executeReadTime } from './read-time';

export function configError(code: ErrorCode, text: string, where: SourceLocation, line?: string): SgError {
  return new SgError(code, { text, name: text, line }, { where });
}

/** A cursor over one file's logical lines (Apache's ap_configfile_t). */
export class LineReader {
  private index = 0;
  constructor(
    readonly file: string,
    private readonly lines: readonly LogicalLine[],
  ) {}

  static fromText(file: string, text: string): LineReader {
    return new LineReader(file, readLogicalLines(text));
  }

  next(): LogicalLine | null {
    return this.index < this.lines.length ? (this.lines[this.index++] as LogicalLine) : null;
  }

  /** Line number of the last line read (what Apache reports at end of file). */
  get lastLine(): number {
    return this.index > 0 ? (this.lines[this.index - 1] as LogicalLine).line : 0;
  }
}

/**
 * ap_resolve_env: `${NAME}` → Define'd value, else the environment, else left literal with warning
 * AH00111 (not for names containing ':', which are kept silently, SPEC-NOTES §4.1.2).
 */
export function resolveEnv(text: string, ctx: ReadContext, where: SourceLocation): string {
  if (!text.includes('$')) return text;
  let out = '';
  let pos = 0;
  for (;;) {
    const dollar = text.indexOf('$', pos);
    if (dollar < 0) return out + text.slice(pos);
    out += text.slice(pos, dollar);
    const close = text[dollar + 1] === '{' ? text.indexOf('}', dollar + 2) : -1;
    if (close < 0) {
      out += '$';
      pos = dollar + 1;
      continue;
    }
    const name = text.slice(dollar + 2, close);
    const value = ctx.defines.get(name) ?? ctx.env[name];
    if (value !== undefined) out += value;
    else {
      if (!name.includes(':')) ctx.warn(`Config variable \${${name}} is not defined`, where);
      out += text.slice(dollar, close + 1);
    }
    pos = close + 1;
  }
}

interface OpenSection {
  readonly node: ConfigNode;
  /** Canonical name for "Expected </X>" (Apache stores cmd->name when the directive is known). */
  readonly displayName: string;
}

/** The sink directives go to: the innermost open section, else the top-level list. */
function appendNode(top: ConfigNode[], stack: OpenSection[], node: ConfigNode): void {
  const parent = stack[stack.length - 1];
  (parent ? (parent.node.children as ConfigNode[]) : top).push(node);
}

/** ap_build_config_sub for one logical line. */
function buildSub(line: LogicalLine, reader: LineReader, ctx: ReadContext, top: ConfigNode[], stack: OpenSection[]): void {
  if (line.text === '' || line.text.startsWith('#')) return;
  const where: SourceLocation = { file: reader.file, line: line.line };
  const expanded = resolveEnv(line.text, ctx, where);
  const cursor = { text: expanded, pos: 0 };
  let cmdName = getWordConf(cursor);
  if (cmdName === '') return;
  let args = restOf(cursor);
  if (cmdName[1] !== '/') {
    if (cmdName.endsWith('>')) cmdName = cmdName.slice(0, -1);
    if (cmdName.startsWith('<') && args === '') args = '>';
  }
  const known = ctx.registry.find(cmdName, ctx.loadedModules);
  if (known?.def.execOnRead) {
    const parentName = stack[stack.length - 1]?.displayName ?? null;
    try {
      const nodes = executeReadTime(known, cmdName, args, { reader, ctx, where, text: expanded, parentName });
      for (const node of nodes) appendNode(top, stack, node);
    } catch (err) {
      // A conditional section's body may be half read: only plain read-time directives go on.
      if (!ctx.collected || known.def.section || !(err instanceof SgError)) throw err;
      ctx.collected.push(err);
    }
    return;
  }
  if (cmdName.startsWith('<')) {
    if (cmdName[1] !== '/') {
      const node: ConfigNode = { name: cmdName, args, text: expanded, where, children: [] };
      appendNode(top, stack, node);
      stack.push({ node, displayName: known ? known.def.name : cmdName });
      return;
    }
    const open = stack[stack.length - 1];
    if (!open) {
      const err = configError('SG_ERR_CONFIG_SECTION', `${cmdName} without matching <${cmdName.slice(2)} section`, where, expanded);
      if (!ctx.collected) throw err;
      ctx.collected.push(err);
      return;
    }
    if (!cmdName.endsWith('>')) {
      throw configError('SG_ERR_CONFIG_SECTION', `${cmdName}> directive missing closing '>'`, where, expanded);
    }
    const closing = cmdName.slice(2, -1);
    if (closing.toLowerCase() !== open.displayName.slice(1).toLowerCase()) {
      const err = configError('SG_ERR_CONFIG_SECTION', `Expected </${open.displayName.slice(1)}> but saw ${cmdName.slice(0, -1)}>`, where, expanded);
      if (!ctx.collected) throw err;
      ctx.collected.push(err);
    }
    stack.pop();
    return;
  }
  appendNode(top, stack, { name: cmdName, args, text: expanded, where, children: null });
}

/** ap_build_config: a whole file; unclosed sections at its end are an error. */
export function buildConfig(reader: LineReader, ctx: ReadContext): ConfigNode[] {
  const top: ConfigNode[] = [];
  const stack: OpenSection[] = [];
  for (let line = reader.next(); line; line = reader.next()) buildSub(line, reader, ctx, top, stack);
  if (stack.length > 0) {
    const messages = [...stack].reverse().map((s) => `${s.node.where.file}:${s.node.where.line}: ${s.displayName}> was not closed.`);
    const outermost = stack[0] as OpenSection;
    throw configError('SG_ERR_CONFIG_SECTION', messages.join('\n'), outermost.node.where, outermost.node.text);
  }
  return top;
}

/**
 * ap_build_cont_config: the body of a true <IfModule>/<IfDefine>/… up to its `</Name>` line at
 * depth 0. As in Apache, reaching the end of the file first is not an error here.
 */
export function buildContConfig(reader: LineReader, ctx: ReadContext, sectionName: string, where: SourceLocation): ConfigNode[] {
  if (ctx.conditionalDepth >= MAX_CONDITIONAL_NESTING) {
    throw configError('SG_ERR_CONFIG_SECTION', `${sectionName}> sections nested more than ${MAX_CONDITIONAL_NESTING} levels deep`, where);
  }
  ctx.conditionalDepth++;
  try {
    return buildContBody(reader, ctx, sectionName);
  } finally {
    ctx.conditionalDepth--;
  }
}

function buildContBody(reader: LineReader, ctx: ReadContext, sectionName: string): ConfigNode[] {
  const top: ConfigNode[] = [];
  const stack: OpenSection[] = [];
  const bracket = `${sectionName.slice(1)}>`.toLowerCase();
  for (let line = reader.next(); line; line = reader.next()) {
    if (stack.length === 0 && line.text.startsWith('</') && line.text.slice(2).toLowerCase() === bracket) break;
    buildSub(line, reader, ctx, top, stack);
  }
  return top;
}

/**
 * ap_soak_end_container: skip a false branch; it must still be well nested. Apache recurses per
 * nested section; we keep the open names on a stack (no depth limit, no recursion).
 */
export function soakEndContainer(reader: LineReader, sectionName: string, where: SourceLocation): void {
  const open: string[] = [sectionName];
  for (let line = reader.next(); line; line = reader.next()) {
    const cursor = { text: line.text, pos: 0 };
    let cmdName = getWordConf(cursor);
    if (!cmdName.startsWith('<')) continue;
    const lineWhere = { file: reader.file, line: line.line };
    const current = open[open.length - 1] as string;
    if (cmdName[1] === '/') {
      const closing = cmdName.slice(2, -1);
      if (closing.toLowerCase() !== current.slice(1).toLowerCase()) {
        throw configError('SG_ERR_CONFIG_SECTION', `Expected </${current.slice(1)}> but saw </${closing}>`, lineWhere, line.text);
      }
      open.pop();
      if (open.length === 0) return;
      continue;
    }
    if (restOf(cursor) === '' && cmdName.endsWith('>')) cmdName = cmdName.slice(0, -1);
    open.push(cmdName);
  }
  const innermost = open[open.length - 1] as string;
  throw configError('SG_ERR_CONFIG_SECTION', `Expected </${innermost.slice(1)}> before end of configuration`, { file: reader.file, line: reader.lastLine || where.line });
}

/**
 * Nesting of true conditional sections (each is read by a nested call, as in Apache). Beyond
 * this depth we refuse rather than exhaust the stack (divergence: Apache has no fixed limit).
 */
export const MAX_CONDITIONAL_NESTING = 256;
