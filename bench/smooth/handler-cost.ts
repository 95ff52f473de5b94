/**
 * The Smooth handler chain's own CPU cost per cached fragment, in process (no sockets, no wrk): on a
 * shared 2-core machine wrk ratios move with the neighbours' load, CPU time per call much less. The
 * stat is stubbed with the file's real stat (it is the same work in any build, and in a sequential loop
 * its thread-pool round trip would dominate). Median of alternating rounds for the plain MP4 and the
 * ISMV of bench/.work. Usage (after `npm run bench -- smooth` made the media):
 *   node dist/bench/smooth/handler-cost.js [--calls 20000] [--runs 7]
 */
import { join, resolve } from 'node:path';
import { benchOption, median } from '../lib/bench-kit';
import { fileSmoothDeps, handleSmooth, type SmoothDeps } from '../../src/streaming/smooth';

const CALLS = benchOption('calls', 20000);
const RUNS = benchOption('runs', 7);
const work = join(resolve(__dirname, '..', '..', '..'), 'bench', '.work');
const cases = [
  { name: 'fragment from the plain MP4', filePath: join(work, 'long-2h.mp4'), query: 'video=36000000000' },
  { name: 'fragment from the ISMV', filePath: join(work, 'long-2h.ismv'), query: 'video=36000000000' },
];

async function main(): Promise<void> {
  const prepared: Array<{ name: string; filePath: string; query: string; deps: SmoothDeps }> = [];
  for (const c of cases) {
    const real = fileSmoothDeps();
    const stat = await real.statFile(c.filePath);
    if (!stat) throw new Error(`${c.filePath} missing: run \`npm run bench -- smooth\` first`);
    const deps: SmoothDeps = { ...real, statFile: () => Promise.resolve(stat) };
    const first = await handleSmooth({ method: 'GET', filePath: c.filePath, query: c.query }, deps);
    if (first.status !== 200) throw new Error(`${c.name}: ${first.status}`);
    prepared.push({ ...c, deps });
  }
  const samples = new Map<string, number[]>(prepared.map((p) => [p.name, []]));
  for (let run = 0; run < RUNS; run++) {
    for (const p of run % 2 ? [...prepared].reverse() : prepared) {
      const before = process.cpuUsage();
      for (let i = 0; i < CALLS; i++) await handleSmooth({ method: 'GET', filePath: p.filePath, query: p.query }, p.deps);
      const used = process.cpuUsage(before);
      samples.get(p.name)!.push((used.user + used.system) / CALLS);
    }
  }
  const lines = ['| handler chain, cached fragment | CPU µs per call (median) | runs |', '| --- | --- | --- |'];
  for (const [name, values] of samples) lines.push(`| ${name} | ${median(values).toFixed(2)} | ${values.map((v) => v.toFixed(2)).join(', ')} |`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
