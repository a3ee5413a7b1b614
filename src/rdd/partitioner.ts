/**
 * Partitioners: which output partition a key goes to in a shuffle.
 * Layer: rdd model. Runs in: driver and workers.
 */
import { defaultCompare, nonNegativeMod, portableHash } from '../core/keys.js';

/** Maps keys to partitions `0 .. numPartitions-1`. */
export interface Partitioner {
  readonly kind: 'hash' | 'range' | 'custom';
  readonly numPartitions: number;
  getPartition(key: unknown): number;
  /** Same placement of every key (so a shuffle between them can be skipped). */
  equals(other: Partitioner | undefined): boolean;
}

/**
 * `portableHash(key) mod n` (Spark's HashPartitioner, PySpark's portable_hash).
 *
 * @example
 * ```ts
 * new HashPartitioner(4).getPartition(6) // 2
 * ```
 */
export class HashPartitioner implements Partitioner {
  readonly kind = 'hash' as const;
  /** A partitioner over `numPartitions` partitions. @example `new HashPartitioner(4).numPartitions // 4` */
  constructor(readonly numPartitions: number) {}
  /** The partition of `key`. @example `new HashPartitioner(4).getPartition(-1) // 3` */
  getPartition(key: unknown): number {
    return nonNegativeMod(portableHash(key), this.numPartitions);
  }
  /** True for another HashPartitioner with as many partitions. @example `new HashPartitioner(4).equals(new HashPartitioner(4)) // true` */
  equals(other: Partitioner | undefined): boolean {
    return other instanceof HashPartitioner && other.numPartitions === this.numPartitions;
  }
}

/**
 * Partitions by a user function of the key, modulo `numPartitions` (PySpark's `partitionFunc`).
 *
 * @example
 * ```ts
 * new CustomPartitioner(2, (k) => (k as string).length).getPartition('abc') // 1
 * ```
 */
export class CustomPartitioner implements Partitioner {
  readonly kind = 'custom' as const;
  /** A partitioner placing keys by `partitionFunc`. @example `const p = new CustomPartitioner(2, (k) => (k as string).length)` */
  constructor(
    readonly numPartitions: number,
    readonly partitionFunc: (key: unknown) => number,
  ) {}
  /** `partitionFunc(key)` as an integer, mod `numPartitions`. @example `new CustomPartitioner(2, (k) => (k as string).length).getPartition('abc') // 1` */
  getPartition(key: unknown): number {
    return nonNegativeMod(Math.trunc(Number(this.partitionFunc(key))) || 0, this.numPartitions);
  }
  /**
   * True for a CustomPartitioner with as many partitions and the same function object.
   *
   * @example
   * ```ts
   * const f = (k: unknown) => String(k).length;
   * new CustomPartitioner(2, f).equals(new CustomPartitioner(2, f)) // true
   * new CustomPartitioner(2, f).equals(new CustomPartitioner(2, (k) => String(k).length)) // false
   * ```
   */
  equals(other: Partitioner | undefined): boolean {
    return other instanceof CustomPartitioner && other.numPartitions === this.numPartitions && other.partitionFunc === this.partitionFunc;
  }
}

/**
 * Sends keys to contiguous, sorted ranges (Spark's RangePartitioner). `bounds` holds the
 * `numPartitions - 1` upper bounds; it is set by a sampling job before the shuffle runs.
 *
 * @example
 * ```ts
 * const p = new RangePartitioner(3, true); p.bounds = [10, 20]; p.getPartition(15) // 1
 * ```
 */
export class RangePartitioner implements Partitioner {
  readonly kind = 'range' as const;
  /** Upper bounds, sorted ascending by `keyfunc(key)`; undefined until sampled. */
  bounds: unknown[] | undefined;
  /** A range partitioner; `bounds` may be given now or sampled later. @example `new RangePartitioner(3, true, undefined, [10, 20])` */
  constructor(
    readonly numPartitions: number,
    readonly ascending: boolean,
    readonly keyfunc?: (key: unknown) => unknown,
    bounds?: unknown[],
  ) {
    this.bounds = bounds;
  }
  /**
   * The range `keyfunc(key)` falls in (bisect left over the bounds; reversed when descending).
   *
   * @example
   * ```ts
   * new RangePartitioner(3, true, undefined, [10, 20]).getPartition(10) // 0
   * new RangePartitioner(3, true, undefined, [10, 20]).getPartition(25) // 2
   * new RangePartitioner(3, false, undefined, [10, 20]).getPartition(25) // 0
   * ```
   */
  getPartition(key: unknown): number {
    const bounds = this.bounds;
    if (bounds === undefined) throw new Error('RangePartitioner used before its bounds were sampled');
    const k = this.keyfunc ? this.keyfunc(key) : key;
    // bisect_left over the bounds
    let lo = 0;
    let hi = bounds.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (defaultCompare(bounds[mid], k) < 0) lo = mid + 1;
      else hi = mid;
    }
    return this.ascending ? lo : this.numPartitions - 1 - lo;
  }
  /** True for a RangePartitioner with the same partitions, direction, keyfunc and bounds. @example `new RangePartitioner(3, true, undefined, [10, 20]).equals(new RangePartitioner(3, true, undefined, [10, 20])) // true` */
  equals(other: Partitioner | undefined): boolean {
    if (!(other instanceof RangePartitioner)) return false;
    if (other === this) return true;
    if (other.numPartitions !== this.numPartitions || other.ascending !== this.ascending || other.keyfunc !== this.keyfunc) return false;
    const a = this.bounds;
    const b = other.bounds;
    if (a === undefined || b === undefined || a.length !== b.length) return false;
    return a.every((x, i) => defaultCompare(x, b[i]) === 0);
  }
}
