/**
 * A deterministic PRNG for the mutators (mulberry32: 32-bit state, good enough spread for picking
 * offsets and bits, and trivially reproducible). The seed is printed by each suite and can be set with
 * SMOOTHGATE_MUTATION_SEED so that a failure seen once can be replayed exactly.
 */
export const SEED_ENV = 'SMOOTHGATE_MUTATION_SEED';

/** The seed from the environment (decimal or 0x hex), else a fresh one from the clock. */
export function mutationSeed(): number {
  const text = process.env[SEED_ENV];
  if (text !== undefined && text !== '') {
    const value = Number(text);
    if (Number.isSafeInteger(value)) return value >>> 0;
    throw new Error(`${SEED_ENV}=${text} is not an integer`);
  }
  return (Date.now() ^ (process.pid << 16)) >>> 0;
}

export class SeededRandom {
  private state: number;

  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 2^32). */
  u32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Uniform integer in [0, bound). */
  below(bound: number): number {
    return bound <= 0 ? 0 : Math.floor((this.u32() / 2 ** 32) * bound);
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[this.below(items.length)]!;
  }

  /** A child generator: mutants of one fixture stay the same when another fixture is added. */
  fork(label: string): SeededRandom {
    let h = this.seed ^ 0x9e3779b9;
    for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193) >>> 0;
    return new SeededRandom(h >>> 0);
  }
}
