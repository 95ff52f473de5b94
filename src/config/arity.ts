/**
 * Argument splitting and arity messages of httpd server/config.c invoke_cmd, per cmd_how.
 * Returns the argument lists the handler is called with (one list per call for ITERATE forms).
 */
import { getWordConf, restOf, type WordCursor } from './lexer';
import type { DirectiveSyntax } from './module';

export type ArityResult = { readonly ok: true; readonly calls: string[][] } | { readonly ok: false; readonly message: string };

function fail(name: string, what: string, help: string): ArityResult {
  return { ok: false, message: `${name} ${what}${help ? `, ${help}` : ''}` };
}

/** Split `args` (the raw argument text) for a directive named `name`. */
export function splitForSyntax(name: string, syntax: DirectiveSyntax, help: string, args: string): ArityResult {
  const cursor: WordCursor = { text: args, pos: 0 };
  const next = (): string => getWordConf(cursor);
  const atEnd = (): boolean => restOf(cursor) === '';
  switch (syntax) {
    case 'raw':
      return { ok: true, calls: [[args]] };
    case 'takeArgv': {
      const words: string[] = [];
      for (;;) {
        const word = next();
        if (word === '' && atEnd()) break;
        words.push(word);
        if (atEnd()) break;
      }
      return { ok: true, calls: [words] };
    }
    case 'noArgs':
      return args !== '' ? { ok: false, message: `${name} takes no arguments` } : { ok: true, calls: [[]] };
    case 'take1': {
      const w = next();
      if (w === '' || !atEnd()) return fail(name, 'takes one argument', help);
      return { ok: true, calls: [[w]] };
    }
    case 'take2': {
      const w = next();
      const w2 = next();
      if (w === '' || w2 === '' || !atEnd()) return fail(name, 'takes two arguments', help);
      return { ok: true, calls: [[w, w2]] };
    }
    case 'take12': {
      const w = next();
      const w2 = next();
      if (w === '' || !atEnd()) return fail(name, 'takes 1-2 arguments', help);
      return { ok: true, calls: [w2 === '' ? [w] : [w, w2]] };
    }
    case 'take3': {
      const w = next();
      const w2 = next();
      const w3 = next();
      if (w === '' || w2 === '' || w3 === '' || !atEnd()) return fail(name, 'takes three arguments', help);
      return { ok: true, calls: [[w, w2, w3]] };
    }
    case 'take23': {
      const w = next();
      const w2 = next();
      const w3 = atEnd() ? null : next();
      if (w === '' || w2 === '' || !atEnd()) return fail(name, 'takes two or three arguments', help);
      return { ok: true, calls: [w3 === null ? [w, w2] : [w, w2, w3]] };
    }
    case 'take123': {
      const w = next();
      const w2 = atEnd() ? null : next();
      const w3 = atEnd() ? null : next();
      if (w === '' || !atEnd()) return fail(name, 'takes one, two or three arguments', help);
      return { ok: true, calls: [[w, ...(w2 === null ? [] : [w2]), ...(w3 === null ? [] : [w3])]] };
    }
    case 'take13': {
      const w = next();
      const w2 = atEnd() ? null : next();
      const w3 = atEnd() ? null : next();
      if (w === '' || (w2 !== null && w2 !== '' && w3 === null) || !atEnd()) return fail(name, 'takes one or three arguments', help);
      return { ok: true, calls: [[w, ...(w2 === null ? [] : [w2]), ...(w3 === null ? [] : [w3])]] };
    }
    case 'iterate': {
      let w = next();
      if (w === '') return fail(name, 'requires at least one argument', help);
      const calls: string[][] = [];
      while (w !== '') {
        calls.push([w]);
        w = next();
      }
      return { ok: true, calls };
    }
    case 'iterate2': {
      const w = next();
      if (w === '' || atEnd()) return fail(name, 'requires at least two arguments', help);
      const calls: string[][] = [];
      for (let w2 = next(); w2 !== ''; w2 = next()) calls.push([w, w2]);
      return { ok: true, calls };
    }
    case 'flag': {
      const w = next().toLowerCase();
      if (w !== 'on' && w !== 'off') return { ok: false, message: `${name} must be On or Off` };
      return { ok: true, calls: [[w]] };
    }
  }
}
