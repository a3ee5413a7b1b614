/**
 * histogram's bucket rules (PySpark's RDD.histogram): buckets [b0,b1), [b1,b2) ... [b(k-1), bk], the
 * last one closed; values outside, NaN, null and undefined are ignored; evenly spaced buckets use
 * an O(1) index, others a binary search. Layer: context. Runs in: driver (checks) and tasks (counting).
 */
import { IllegalArgumentError } from '../../core/errors.js';
import { defaultCompare } from '../../core/keys.js';

/**
 * Checks explicit bucket boundaries with PySpark's rules and messages.
 *
 * @example
 * ```ts
 * checkBuckets([0, 5, 10]) // passes
 * checkBuckets([0, 10, 5]) // throws IllegalArgumentError: buckets should be sorted: buckets[1]=10 > buckets[2]=5.
 * ```
 */
export function checkBuckets(buckets: readonly unknown[]): void {
  if (buckets.length < 2) throw new IllegalArgumentError(`buckets should have more than one value, got [${buckets.join(', ')}].`);
  buckets.forEach((b, i) => {
    if (b === null || b === undefined || (typeof b === 'number' && Number.isNaN(b))) {
      throw new IllegalArgumentError(`can not have None or NaN in buckets: buckets[${i}] is ${String(b)}.`);
    }
  });
  for (let i = 1; i < buckets.length; i++) {
    const c = defaultCompare(buckets[i - 1], buckets[i]);
    if (c > 0) throw new IllegalArgumentError(`buckets should be sorted: buckets[${i - 1}]=${String(buckets[i - 1])} > buckets[${i}]=${String(buckets[i])}.`);
    if (c === 0) throw new IllegalArgumentError(`buckets should not contain duplicated values: ${String(buckets[i])} appears twice.`);
  }
}

/**
 * True when numeric, finite boundaries are evenly spaced (within 1e-10); infinite ones never are.
 *
 * @example
 * ```ts
 * evenlySpaced([0, 5, 10]) // true
 * evenlySpaced([0, 5, 20]) // false
 * evenlySpaced([0, Infinity]) // false
 * ```
 */
export function evenlySpaced(buckets: readonly unknown[]): boolean {
  if (!buckets.every((b) => typeof b === 'number' && Number.isFinite(b))) return false;
  const b = buckets as readonly number[];
  const inc = ((b[1] as number) - (b[0] as number));
  for (let i = 1; i < b.length; i++) if (Math.abs((b[i] as number) - (b[i - 1] as number) - inc) > 1e-10) return false;
  return true;
}

/**
 * A counter for one partition: returns counts with the last two buckets already merged by `finish`.
 *
 * @example
 * ```ts
 * const { zero, step } = bucketCounter([0, 5, 10], true);
 * [1, 5, 7, 10, 11, NaN].reduce(step, zero()) // [1, 2, 1] (the last slot counts x == 10; 11 and NaN are ignored)
 * ```
 */
export function bucketCounter(buckets: readonly unknown[], even: boolean): { zero: () => number[]; step: (c: number[], x: unknown) => number[] } {
  const first = buckets[0];
  const last = buckets[buckets.length - 1];
  // PySpark's inc = (max - min) / (number of buckets), not b1 - b0: the rounded first step can
  // misplace a value lying exactly on a later boundary (e.g. -29 in histogram(12) of [-30, -28]).
  const inc = even ? ((last as number) - (first as number)) / (buckets.length - 1) : 0;
  return {
    zero: () => new Array<number>(buckets.length).fill(0),
    step: (counts, x) => {
      if (x === null || x === undefined || (typeof x === 'number' && Number.isNaN(x))) return counts;
      if (defaultCompare(x, first) < 0 || defaultCompare(x, last) > 0) return counts;
      let t: number;
      if (even) t = Math.floor(((x as number) - (first as number)) / inc);
      else {
        // bisect_right - 1
        let lo = 0;
        let hi = buckets.length;
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          if (defaultCompare(x, buckets[mid]) < 0) hi = mid;
          else lo = mid + 1;
        }
        t = lo - 1;
      }
      counts[Math.min(t, buckets.length - 1)]! += 1;
      return counts;
    },
  };
}

/** Merges the last counter into the one before (so x == max lands in the last bucket). @example `closeLastBucket([1, 2, 1]) // [1, 3]` */
export function closeLastBucket(counts: number[]): number[] {
  const out = counts.slice(0, -1);
  out[out.length - 1] = (out[out.length - 1] as number) + (counts[counts.length - 1] as number);
  return out;
}
