/**
 * The release log: how the driver tells every worker thread to drop what it caches (a finished
 * stage's rebuilt plan, an unpersisted broadcast value) without a message to each. It is a ring of
 * entries in shared memory that the driver appends to; a worker reads the entries it has not seen
 * yet when it starts a task. Idle workers need no wake-up: what they cache is only a cache (every
 * task still carries its plan), so dropping it at the next task is soon enough.
 * Layer: scheduler. Runs in: driver (append) and workers (read).
 */

/** What an entry releases. */
export const ReleaseKind = {
  /** A stage attempt's plan, by plan id. */
  Plan: 1,
  /** A broadcast value, by the number in its wire id (`a12`, `b12`). */
  Broadcast: 2,
  /** Everything cached (a Context stopped; its pools may serve another). */
  All: 3,
} as const;
export type ReleaseKind = (typeof ReleaseKind)[keyof typeof ReleaseKind];

/** Entries kept; a worker that falls further behind drops all its caches instead. */
const CAPACITY = 4096;
/** Int32 slots: [0] = entries appended so far, then CAPACITY pairs (kind, id). */
const HEADER = 1;

/**
 * Creates the shared memory of a release log.
 *
 * @example
 * ```ts
 * const log = createReleaseLog(); // a SharedArrayBuffer, handed to every worker in workerData
 * const reader = new ReleaseReader(log);
 * appendRelease(log, ReleaseKind.Plan, 17);
 * reader.drain((kind, id) => console.log(kind, id), () => {}); // logs 1 17
 * ```
 */
export function createReleaseLog(): SharedArrayBuffer {
  return new SharedArrayBuffer((HEADER + 2 * CAPACITY) * Int32Array.BYTES_PER_ELEMENT);
}

/**
 * Appends one entry (driver side). Entries are written before the count is published, so a
 * reader never sees a half-written entry.
 *
 * @example
 * ```ts
 * appendRelease(log, ReleaseKind.Plan, 17); // workers drop plan 17 at their next task
 * ```
 */
export function appendRelease(log: SharedArrayBuffer, kind: ReleaseKind, id: number): void {
  const view = new Int32Array(log);
  const n = Atomics.load(view, 0);
  const at = HEADER + 2 * (n % CAPACITY);
  Atomics.store(view, at, kind);
  Atomics.store(view, at + 1, id);
  Atomics.store(view, 0, n + 1);
}

/** A worker's position in the log. */
export class ReleaseReader {
  private seen: number;
  private readonly view: Int32Array;

  /** Starts at the log's current end: a new worker has nothing cached yet. */
  constructor(log: SharedArrayBuffer) {
    this.view = new Int32Array(log);
    this.seen = Atomics.load(this.view, 0);
  }

  /**
   * Calls `release` for every entry appended since the last call, or `releaseAll` once when more
   * entries arrived than the ring keeps.
   *
   * @example
   * ```ts
   * reader.drain((kind, id) => forget(kind, id), () => forgetEverything());
   * ```
   */
  drain(release: (kind: ReleaseKind, id: number) => void, releaseAll: () => void): void {
    const n = Atomics.load(this.view, 0);
    if (n === this.seen) return;
    if (n - this.seen > CAPACITY) {
      this.seen = n;
      releaseAll();
      return;
    }
    for (; this.seen < n; this.seen++) {
      const at = HEADER + 2 * (this.seen % CAPACITY);
      release(Atomics.load(this.view, at) as ReleaseKind, Atomics.load(this.view, at + 1));
    }
  }
}
