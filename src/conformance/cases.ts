/**
 * Conformance cases (shared/conformance/README.md "Case format"): one JSON object per line, the
 * request and the outcome real Apache produced. Reading is strict: a malformed line is an error
 * naming file and line.
 */
import { readFileSync } from 'node:fs';
import { SgError } from '../errors';

export type FileSpec = string | { content?: string; mode?: string } | { symlink: string } | Record<string, never>;

export interface CaseRequest {
  readonly method?: string;
  readonly target?: string;
  readonly version?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  readonly client?: string;
  readonly raw?: string;
}

export interface Outcome {
  kind: string;
  status: number | null;
  uri: string | null;
  query: string | null;
  file: string | null;
  handler: string | null;
  location: string | null;
  proxy: string | null;
  headers: Record<string, string | null>;
  env: Record<string, string | null>;
}

export interface ConformanceCase {
  readonly id: string;
  readonly group: string;
  readonly note?: string;
  readonly modules?: string[];
  readonly conf: string;
  readonly files: Record<string, FileSpec>;
  readonly request: CaseRequest;
  readonly observe: { readonly env?: string[]; readonly headers?: string[] };
  readonly expected: Outcome | null;
  readonly line: number;
}

export function readCases(file: string): ConformanceCase[] {
  const text = readFileSync(file, 'utf8');
  const cases: ConformanceCase[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch (err) {
      throw new SgError('SG_ERR_CLI_CASES', { file, line: index + 1, text: `not JSON: ${(err as Error).message}` });
    }
    const c = parsed as Partial<ConformanceCase>;
    if (typeof c.id !== 'string' || typeof c.request !== 'object' || c.request === null) {
      throw new SgError('SG_ERR_CLI_CASES', { file, line: index + 1, text: 'a case needs "id" and "request"' });
    }
    cases.push({
      id: c.id,
      group: c.group ?? '',
      note: c.note,
      modules: c.modules,
      conf: c.conf ?? '',
      files: c.files ?? {},
      request: c.request,
      observe: c.observe ?? {},
      expected: (c.expected as Outcome | null | undefined) ?? null,
      line: index + 1,
    });
  });
  return cases;
}

/** Fields compared for each kind (shared/conformance/README.md "Kinds and the fields compared"). */
export const COMPARED: Record<string, ReadonlyArray<keyof Outcome>> = {
  file: ['status', 'uri', 'query', 'file', 'handler', 'headers', 'env'],
  redirect: ['status', 'location', 'headers', 'env'],
  status: ['status', 'headers', 'env'],
  proxy: ['status', 'proxy', 'headers', 'env'],
  config_error: [],
};

/** The differing fields, as "field: expected X, got Y". */
export function compareOutcome(expected: Outcome, observed: Outcome): string[] {
  const diffs: string[] = [];
  if (expected.kind !== observed.kind) diffs.push(`kind: expected ${JSON.stringify(expected.kind)}, got ${JSON.stringify(observed.kind)}`);
  for (const field of COMPARED[expected.kind] ?? []) {
    const e = JSON.stringify(sortKeys(expected[field]));
    const o = JSON.stringify(sortKeys(observed[field]));
    if (e !== o) diffs.push(`${field}: expected ${JSON.stringify(expected[field])}, got ${JSON.stringify(observed[field])}`);
  }
  return diffs;
}

function sortKeys(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
