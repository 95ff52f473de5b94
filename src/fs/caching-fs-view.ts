/**
 * An FsView that remembers answers for a short time (default 1 s), the way nginx's open_file_cache
 * does, so a busy gateway does not stat every path component and every .htaccess level on every
 * request. Apache itself re-stats per request; the trade-off here is that an edit to a file or an
 * .htaccess takes effect within `ttlMs` (documented in the README), and memory stays bounded.
 */
import type { DerivedCache, FileInfo, FsView } from '../routing/fs-view';

interface Entry<T> {
  readonly value: T;
  readonly expiresAt: number;
}

class TtlMap<T> {
  private readonly map = new Map<string, Entry<T>>();

  constructor(
    private readonly maxEntries: number,
    private readonly clock: () => number,
  ) {}

  get(key: string): Entry<T> | undefined {
    const entry = this.map.get(key);
    if (entry && entry.expiresAt > this.clock()) return entry;
    if (entry) this.map.delete(key);
    return undefined;
  }

  set(key: string, value: T, ttlMs: number): Entry<T> {
    return this.setUntil(key, value, this.clock() + ttlMs);
  }

  setUntil(key: string, value: T, expiresAt: number): Entry<T> {
    if (this.map.size >= this.maxEntries) {
      // Drop the oldest insertion (Map keeps insertion order): a cheap bound, not a strict LRU.
      const oldest = this.map.keys().next().value;
      if (oldest !== undefined) this.map.delete(oldest);
    }
    const entry = { value, expiresAt };
    this.map.set(key, entry);
    return entry;
  }

  clear(): void {
    this.map.clear();
  }
}

/**
 * A coarse millisecond clock: one timer (unref'd, so it never keeps the process alive) refreshes a
 * number every 50 ms, so a cache lookup costs a Map get and a comparison, not a clock call.
 */
let coarseNowMs = Date.now();
let coarseTimer: NodeJS.Timeout | null = null;
function coarseClock(): number {
  if (coarseTimer === null) {
    coarseTimer = setInterval(() => {
      coarseNowMs = Date.now();
    }, 50);
    coarseTimer.unref();
  }
  return coarseNowMs;
}

export interface CachingFsViewOptions {
  readonly ttlMs?: number;
  readonly maxEntries?: number;
  readonly clock?: () => number;
}

export class CachingFsView implements FsView {
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly clock: () => number;
  private readonly stats: TtlMap<FileInfo | null>;
  private readonly lstats: TtlMap<FileInfo | null>;
  private readonly texts: TtlMap<{ text: string | null | 'unreadable'; mtimeMs: number }>;
  private readonly derived: Array<TtlMap<unknown>> = [];
  /**
   * While a derived value is being computed: the earliest expiry among the answers it has read so
   * far (Infinity when none), so the value is dropped no later than the first of them.
   */
  private readUntil = Infinity;

  constructor(
    private readonly inner: FsView,
    options: CachingFsViewOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? 1000;
    const max = options.maxEntries ?? 100_000;
    this.maxEntries = max;
    const clock = options.clock ?? coarseClock;
    this.clock = clock;
    this.stats = new TtlMap(max, clock);
    this.lstats = new TtlMap(max, clock);
    this.texts = new TtlMap(Math.max(1, Math.floor(max / 10)), clock);
  }

  private noteRead(expiresAt: number): void {
    if (expiresAt < this.readUntil) this.readUntil = expiresAt;
  }

  stat(path: string): FileInfo | null {
    const hit = this.stats.get(path);
    if (hit) {
      this.noteRead(hit.expiresAt);
      return hit.value;
    }
    const value = this.inner.stat(path);
    this.noteRead(this.stats.set(path, value, this.ttlMs).expiresAt);
    return value;
  }

  lstat(path: string): FileInfo | null {
    const hit = this.lstats.get(path);
    if (hit) {
      this.noteRead(hit.expiresAt);
      return hit.value;
    }
    const value = this.inner.lstat(path);
    this.noteRead(this.lstats.set(path, value, this.ttlMs).expiresAt);
    return value;
  }

  readText(path: string): string | null | 'unreadable' {
    const hit = this.texts.get(path);
    if (hit) {
      this.noteRead(hit.expiresAt);
      return hit.value.text;
    }
    const info = this.inner.stat(path);
    const text = info === null ? null : this.inner.readText(path);
    this.noteRead(this.texts.set(path, { text, mtimeMs: info?.mtimeMs ?? 0 }, this.ttlMs).expiresAt);
    return text;
  }

  /**
   * A cache of values computed from this view's answers (the routing core's directory walks): a
   * value lives until the first of the answers it was computed from expires, so within that time a
   * fresh computation would read the very same answers and give the same value, and an edit is
   * seen as soon as the answers that reflect it would be (within `ttlMs`).
   */
  derivedCache<T>(): DerivedCache<T> {
    const map = new TtlMap<T>(this.maxEntries, this.clock);
    this.derived.push(map as TtlMap<unknown>);
    return {
      get: (key, compute) => {
        const hit = map.get(key);
        if (hit) {
          this.noteRead(hit.expiresAt);
          return hit.value;
        }
        const outer = this.readUntil;
        this.readUntil = Infinity;
        let value: T;
        let until: number;
        try {
          value = compute();
        } finally {
          until = this.readUntil;
          this.readUntil = Math.min(outer, until);
        }
        // A value that read nothing depends on configuration alone: it still lives at most ttlMs.
        map.setUntil(key, value, Math.min(until, this.clock() + this.ttlMs));
        this.noteRead(until);
        return value;
      },
    };
  }

  /** Forget everything (SIGHUP reload). */
  clear(): void {
    this.stats.clear();
    this.lstats.clear();
    this.texts.clear();
    for (const map of this.derived) map.clear();
  }
}
