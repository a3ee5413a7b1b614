// Property tests of RDD actions against plain-array models: collect, count, take's incremental scan,
// ordering actions, folds (zero used numPartitions+1 times), tree aggregation, statistics, histogram
// (PySpark's bucket rules), key-value actions, side-effect actions and Spark's results on empty RDDs.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EmptyRDDError, type Context, type ListenerEvent, type RDD } from '../../src/index.js';
import {
  byCodeUnits,
  byKey,
  byNumber,
  expectIdle,
  groupPairs,
  intList,
  multiset,
  nonEmptyIntList,
  pairList,
  partitions,
  runs,
  settle,
  slices,
  withContext,
} from '../helpers/arbitraries.js';

const add = (a: number, b: number): number => a + b;
type Key = number | string;

/** `actual` is within a relative 1e-9 of `expected` (both NaN counts as equal). */
function expectNear(actual: number, expected: number): void {
  if (Number.isNaN(expected)) {
    expect(actual).toBeNaN();
    return;
  }
  const scale = Math.max(1, Math.abs(expected));
  expect(actual / scale).toBeCloseTo(expected / scale, 9);
}

/** Two-pass population statistics of a non-empty list. */
function modelStats(xs: readonly number[]): { mean: number; variance: number; sampleVariance: number } {
  const mean = xs.reduce(add, 0) / xs.length;
  const m2 = xs.reduce((a, x) => a + (x - mean) * (x - mean), 0);
  return { mean, variance: m2 / xs.length, sampleVariance: xs.length > 1 ? m2 / (xs.length - 1) : Number.NaN };
}

/**
 * PySpark's histogram counting rule over explicit boundaries: buckets [b0,b1), ..., [b(k-1), bk],
 * the last one closed; values outside [b0, bk] are ignored.
 */
function modelHistogram(data: readonly number[], buckets: readonly number[]): number[] {
  const counts = new Array<number>(buckets.length - 1).fill(0);
  const last = buckets.length - 1;
  for (const x of data) {
    if (x < (buckets[0] as number) || x > (buckets[last] as number)) continue;
    if (x === buckets[last]) {
      counts[last - 1]! += 1;
      continue;
    }
    for (let i = 0; i < last; i++) {
      if ((buckets[i] as number) <= x && x < (buckets[i + 1] as number)) {
        counts[i]! += 1;
        break;
      }
    }
  }
  return counts;
}

/** The partitions each job of `body` ran result tasks on, in job order. */
async function jobsScanned(ctx: Context, body: () => Promise<unknown>): Promise<number[][]> {
  const stageToJob = new Map<number, number>();
  const jobs = new Map<number, Set<number>>();
  const subscription = ctx.events.subscribe((e: ListenerEvent) => {
    if (e.type === 'jobStart') {
      jobs.set(e.jobId, new Set());
      for (const s of e.stageIds) stageToJob.set(s, e.jobId);
    } else if (e.type === 'taskStart') {
      const job = stageToJob.get(e.stageId);
      if (job !== undefined) jobs.get(job)?.add(e.taskInfo.partitionId);
    }
  });
  try {
    await body();
  } finally {
    subscription.unsubscribe();
  }
  return [...jobs.values()].map((s) => [...s].sort(byNumber));
}

describe('basic actions', () => {
  it('collect() returns every record in partition order and count() their number', async () => {
    await withContext(async (ctx) => {
      await fc.assert(
        fc.asyncProperty(intList, partitions, async (data, n) => {
          const rdd = ctx.parallelize(data, n);
          expect(await settle(ctx, rdd.collect())).toEqual(data);
          expect(await settle(ctx, rdd.count())).toBe(data.length);
          expect(await settle(ctx, rdd.filter((x) => x > 0).count())).toBe(data.filter((x) => x > 0).length);
        }),
        { numRuns: runs(40) },
      );
    });
  });

  it('first() returns the first record of a non-empty RDD', async () => {
    await withContext(async (ctx) => {
      await fc.assert(
        fc.asyncProperty(nonEmptyIntList, partitions, async (data, n) => {
          expect(await settle(ctx, ctx.parallelize(data, n).first())).toBe(data[0]);
        }),
        { numRuns: runs(40) },
      );
    });
  });

  it('take(k) returns the first min(k, count) records in order, for any k', async () => {
    await withContext(async (ctx) => {
      await fc.assert(
        fc.asyncProperty(intList, partitions, fc.integer({ min: 0, max: 80 }), async (data, n, k) => {
          expect(await settle(ctx, ctx.parallelize(data, n).take(k))).toEqual(data.slice(0, k));
          const positive = data.filter((x) => x > 10);
          expect(await settle(ctx, ctx.parallelize(data, n).filter((x) => x > 10).take(k))).toEqual(positive.slice(0, k));
        }),
        { numRuns: runs(40) },
      );
    });
  });

  it('take(k) scans partitions incrementally: 1 partition first, then contiguous rounds of at most 4x, stopping once k are found', async () => {
    await withContext(async (ctx) => {
      await fc.assert(
        fc.asyncProperty(intList, fc.integer({ min: 1, max: 24 }), fc.integer({ min: 1, max: 30 }), async (data, n, k) => {
          const keep = (x: number): boolean => x > 5;
          const rdd = ctx.parallelize(data, n).filter(keep);
          let got: number[] = [];
          const jobs = await jobsScanned(ctx, async () => {
            got = await settle(ctx, rdd.take(k));
          });
          expect(got).toEqual(data.filter(keep).slice(0, k));
          const perPartition = slices(data, n).map((s) => s.filter(keep).length);
          expect(jobs.length).toBeGreaterThan(0);
          expect(jobs[0]).toEqual([0]);
          let scanned = 0;
          let found = 0;
          for (const job of jobs) {
            // Each round only runs because fewer than k records were found so far.
            expect(found).toBeLessThan(k);
            expect(job).toEqual(Array.from({ length: job.length }, (_, i) => scanned + i));
            if (scanned > 0) expect(job.length).toBeLessThanOrEqual(4 * scanned);
            for (const p of job) found += perPartition[p] as number;
            scanned += job.length;
          }
          expect(found >= k || scanned === n).toBe(true);
        }),
        { numRuns: runs(40) },
      );
    });
  });

  it('take(3) of 100 one-record partitions filtered to x > 90 returns [91, 92, 93]', async () => {
    await withContext(async (ctx) => {
      const data = Array.from({ length: 100 }, (_, i) => i);
      expect(await settle(ctx, ctx.parallelize(data, 100).filter((x) => x > 90).take(3))).toEqual([91, 92, 93]);
      expect(await settle(ctx, ctx.parallelize([1, 2, 3, 4, 5], 3).take(10))).toEqual([1, 2, 3, 4, 5]);
    });
  });

  it('isEmpty() is true exactly when there is no record', async () => {
    await withContext(async (ctx) => {
      await fc.assert(
        fc.asyncProperty(intList, partitions, async (data, n) => {
          expect(await settle(ctx, ctx.parallelize(data, n).isEmpty())).toBe(data.length === 0);
          expect(await settle(ctx, ctx.parallelize(data, n).filter((x) => x > 15).isEmpty())).toBe(!data.some((x) => x > 15));
        }),
        { numRuns: runs(40) },
      );
    });
  });
});

describe('ordering actions', () => {
  it('takeOrdered(k) returns the k smallest records ascending and top(k) the k largest descending', async () => {
    await withContext(async (ctx) => {
      await fc.assert(
        fc.asyncProperty(intList, partitions, fc.integer({ min: 0, max: 70 }), async (data, n, k) => {
          const rdd = ctx.parallelize(data, n);
          const ascending = [...data].sort(byNumber);
          expect(await settle(ctx, rdd.takeOrdered(k))).toEqual(ascending.slice(0, k));
          expect(await settle(ctx, rdd.top(k))).toEqual([...ascending].reverse().slice(0, k));
        }),
        { numRuns: runs(40) },
      );
    });
  });

  it('takeOrdered(k, key) and top(k, key) order by key (ties in any order)', async () => {
    await withContext(async (ctx) => {
      await fc.assert(
        fc.asyncProperty(intList, partitions, fc.integer({ min: 0, max: 70 }), async (data, n, k) => {
          const rdd = ctx.parallelize(data, n);
          // An injective key: exact results.
          const neg = (x: number): number => -x;
          const ascending = [...data].sort(byNumber);
          expect(await settle(ctx, rdd.takeOrdered(k, neg))).toEqual([...ascending].reverse().slice(0, k));
          expect(await settle(ctx, rdd.top(k, neg))).toEqual(ascending.slice(0, k));
          // A key with ties: the keys are the k smallest / largest, the records come from the data.
          const abs = (x: number): number => Math.abs(x);
          const absKeys = data.map(abs).sort(byNumber);
          const small = await settle(ctx, rdd.takeOrdered(k, abs));
          expect(small.map(abs)).toEqual(absKeys.slice(0, k));
          const large = await settle(ctx, rdd.top(k, abs));
          expect(large.map(abs)).toEqual([...absKeys].reverse().slice(0, k));
          for (const x of [...small, ...large]) expect(data).toContain(x);
        }),
        { numRuns: runs(40) },
      );
    });
  });

  it('max() and min() return the extreme records; with a key, a record of extreme key', async () => {
    await withContext(async (ctx) => {
      await fc.assert(
        fc.asyncProperty(nonEmptyIntList, partitions, async (data, n) => {
          const rdd = ctx.parallelize(data, n);
          expect(await settle(ctx, rdd.max())).toBe(Math.max(...data));
          expect(await settle(ctx, rdd.min())).toBe(Math.min(...data));
          const mod = (x: number): number => ((x % 5) + 5) % 5;
          const hi = await settle(ctx, rdd.max(mod));
          const lo = await settle(ctx, rdd.min(mod));
          expect(mod(hi)).toBe(Math.max(...data.map(mod)));
          expect(mod(lo)).toBe(Math.min(...data.map(mod)));
          expect(data).toContain(hi);
          expect(data).toContain(lo);
        }),
        { numRuns: runs(40) },
      );
    });
  });
});

describe('reductions and folds', () => {
  it('reduce(+) is the sum and reduce(max) the maximum of a non-empty RDD', async () => {
    await withContext(async (ctx) => {
      await fc.assert(
        fc.asyncProperty(nonEmptyIntList, partitions, async (data, n) => {
          const rdd = ctx.parallelize(data, n);
          expect(await settle(ctx, rdd.reduce(add))).toBe(data.reduce(add));
          expect(await settle(ctx, rdd.reduce((a, b) => Math.max(a, b)))).toBe(Math.max(...data));
        }),
        { numRuns: runs(40) },
      );
    });
  });

  it('fold(1, +) over p partitions is sum + p + 1 (zero used once per partition and once on the driver)', async () => {
    await withContext(async (ctx) => {
      await fc.assert(
        fc.asyncProperty(intList, partitions, async (data, p) => {
          const rdd = ctx.parallelize(data, p);
          const sum = data.reduce(add, 0);
          expect(await settle(ctx, rdd.fold(0, add))).toBe(sum);
          expect(await settle(ctx, rdd.fold(1, add))).toBe(sum + p + 1);
        }),
        { numRuns: runs(40) },
      );
    });
  });

  it('aggregate(zero, seqOp, combOp) folds each partition from its own copy of zero', async () => {
    await withContext(async (ctx) => {
      await fc.assert(
        fc.asyncProperty(intList, partitions, async (data, p) => {
          const rdd = ctx.parallelize(data, p);
          const sumCount = await settle(
            ctx,
            rdd.aggregate(
              [0, 0] as [number, number],
              (acc, x) => [acc[0] + x, acc[1] + 1] as [number, number],
              (a, b) => [a[0] + b[0], a[1] + b[1]] as [number, number],
            ),
          );
          expect(sumCount).toEqual([data.reduce(add, 0), data.length]);
          expect(await settle(ctx, rdd.aggregate(1, add, add))).toBe(data.reduce(add, 0) + p + 1);
          // A mutable zero: each partition must start from its own empty array.
          const all = await settle(
            ctx,
            rdd.aggregate(
              [] as number[],
              (acc, x) => {
                acc.push(x);
                return acc;
              },
              (a, b) => {
                a.push(...b);
                return a;
              },
            ),
          );
          expect([...all].sort(byNumber)).toEqual([...data].sort(byNumber));
        }),
        { numRuns: runs(40) },
      );
    });
  });

  it('treeAggregate and treeReduce at depth 1..4 equal the plain sum, count and max', async () => {
    await withContext(async (ctx) => {
      await fc.assert(
        fc.asyncProperty(intList, partitions, fc.integer({ min: 1, max: 4 }), async (data, p, depth) => {
          const rdd = ctx.parallelize(data, p);
          expect(await settle(ctx, rdd.treeAggregate(0, add, add, depth))).toBe(data.reduce(add, 0));
          const sumCount = await settle(
            ctx,
            rdd.treeAggregate(
              [0, 0] as [number, number],
              (acc, x) => [acc[0] + x, acc[1] + 1] as [number, number],
              (a, b) => [a[0] + b[0], a[1] + b[1]] as [number, number],
              depth,
            ),
          );
          expect(sumCount).toEqual([data.reduce(add, 0), data.length]);
          if (data.length > 0) {
            expect(await settle(ctx, rdd.treeReduce(add, depth))).toBe(data.reduce(add));
            expect(await settle(ctx, rdd.treeReduce((a, b) => Math.max(a, b), depth))).toBe(Math.max(...data));
          } else {
            await expect(settle(ctx, rdd.treeReduce(add, depth))).rejects.toBeInstanceOf(EmptyRDDError);
          }
        }),
        { numRuns: runs(40) },
      );
    });
  });

  it('treeAggregate(0, +, +, d) and treeReduce(+, d) of [-5..-1, 1..4] in 10 partitions are -5 for d in 1, 2, 5, 10', async () => {
    await withContext(async (ctx) => {
      const rdd = ctx.parallelize([-5, -4, -3, -2, -1, 1, 2, 3, 4], 10);
      for (const d of [1, 2, 5, 10]) {
        expect(await settle(ctx, rdd.treeAggregate(0, add, add, d))).toBe(-5);
        expect(await settle(ctx, rdd.treeReduce(add, d))).toBe(-5);
      }
    });
  });
});

describe('numeric actions', () => {
  const doubles = fc.array(fc.double({ min: -1000, max: 1000, noNaN: true, noDefaultInfinity: true }), { maxLength: 60, size: 'medium' });

  it('sum() equals the sum of the records (0 when empty)', async () => {
    await withContext(async (ctx) => {
      await fc.assert(
        fc.asyncProperty(intList, partitions, async (data, n) => {
          expect(await settle(ctx, ctx.parallelize(data, n).sum())).toBe(data.reduce(add, 0));
        }),
        { numRuns: runs(40) },
      );
    });
  });

  it('stats(), mean(), variance() (population), sampleVariance(), stdev() and sampleStdev() match a two-pass model', async () => {
    await withContext(async (ctx) => {
      await fc.assert(
        fc.asyncProperty(fc.oneof(doubles.filter((d) => d.length > 0), nonEmptyIntList), partitions, async (data, n) => {
          const rdd = ctx.parallelize(data, n);
          const model = modelStats(data);
          const s = await settle(ctx, rdd.stats());
          expect(s.count()).toBe(data.length);
          expect(s.max()).toBe(Math.max(...data));
          expect(s.min()).toBe(Math.min(...data));
          expectNear(s.mean(), model.mean);
          expectNear(s.variance(), model.variance);
          expectNear(s.sampleVariance(), model.sampleVariance);
          expectNear(await settle(ctx, rdd.mean()), model.mean);
          expectNear(await settle(ctx, rdd.variance()), model.variance);
          expectNear(await settle(ctx, rdd.sampleVariance()), model.sampleVariance);
          expectNear(await settle(ctx, rdd.stdev()), Math.sqrt(model.variance));
          expectNear(await settle(ctx, rdd.sampleStdev()), Math.sqrt(model.sampleVariance));
          if (data.length > 1 && model.variance > 1e-6) expect(await settle(ctx, rdd.sampleVariance())).toBeGreaterThan(model.variance);
        }),
        { numRuns: runs(40) },
      );
    });
  });

  it('variance of [1, 2, 3, 4] is 1.25 (population) and sampleVariance 5/3', async () => {
    await withContext(async (ctx) => {
      const rdd = ctx.parallelize([1, 2, 3, 4], 3);
      expect(await settle(ctx, rdd.variance())).toBeCloseTo(1.25, 12);
      expect(await settle(ctx, rdd.sampleVariance())).toBeCloseTo(5 / 3, 12);
      expect(await settle(ctx, rdd.stdev())).toBeCloseTo(Math.sqrt(1.25), 12);
      expect(await settle(ctx, rdd.sampleStdev())).toBeCloseTo(Math.sqrt(5 / 3), 12);
    });
  });

  /** Integers in [-30, 30], sometimes NaN (which histogram ignores). */
  const withNaN = fc.oneof({ arbitrary: fc.integer({ min: -30, max: 30 }), weight: 12 }, { arbitrary: fc.constant(Number.NaN), weight: 1 });

  it('histogram(sorted buckets) counts [b_i, b_i+1) with the last bucket closed and ignores values outside', async () => {
    const sortedBuckets = fc.oneof(
      // arbitrary boundaries (binary search)
      fc.uniqueArray(fc.integer({ min: -25, max: 25 }), { minLength: 2, maxLength: 8, size: 'medium' }).map((b) => b.sort(byNumber)),
      // evenly spaced boundaries (constant-time index), integer or fractional step
      fc
        .tuple(fc.integer({ min: -25, max: 10 }), fc.constantFrom(0.5, 1, 2, 3, 2.5, 7), fc.integer({ min: 1, max: 10 }))
        .map(([start, step, k]) => Array.from({ length: k + 1 }, (_, i) => start + i * step)),
    );
    await withContext(async (ctx) => {
      await fc.assert(
        fc.asyncProperty(fc.array(withNaN, { maxLength: 60, size: 'medium' }), partitions, sortedBuckets, async (data, n, buckets) => {
          const [bounds, counts] = await settle(ctx, ctx.parallelize(data, n).histogram(buckets));
          expect(bounds).toEqual(buckets);
          expect(counts).toEqual(modelHistogram(data, buckets));
        }),
        { numRuns: runs(60) },
      );
    });
  });

  it('histogram(k) splits [min, max] into k even buckets (or [min, max] with everything when min = max)', async () => {
    await withContext(async (ctx) => {
      await fc.assert(
        fc.asyncProperty(fc.array(withNaN, { maxLength: 60, size: 'medium' }).filter((d) => d.some((x) => !Number.isNaN(x))), partitions, fc.integer({ min: 1, max: 12 }), async (data, n, k) => {
          const [bounds, counts] = await settle(ctx, ctx.parallelize(data, n).histogram(k));
          const numbers = data.filter((x) => !Number.isNaN(x));
          const min = Math.min(...numbers);
          const max = Math.max(...numbers);
          if (min === max || k === 1) {
            expect(bounds).toEqual([min, max]);
            expect(counts).toEqual([numbers.length]);
            return;
          }
          const inc = (max - min) / k;
          const model = Array.from({ length: k }, (_, i) => min + i * inc);
          model.push(max);
          expect(bounds).toEqual(model);
          expect(counts).toEqual(modelHistogram(data, model));
          expect(counts.reduce(add, 0)).toBe(numbers.length);
        }),
        { numRuns: runs(60) },
      );
    });
  });

  it('histogram(sorted string buckets) counts strings by code-unit order with the same bucket rules', async () => {
    const letters = fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'd', 'e'), maxLength: 3 });
    await withContext(async (ctx) => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(letters, { maxLength: 40, size: 'medium' }),
          partitions,
          fc.uniqueArray(letters, { minLength: 2, maxLength: 6 }).map((b) => b.sort(byCodeUnits)),
          async (data, n, buckets) => {
            const [bounds, counts] = await settle(ctx, ctx.parallelize(data, n).histogram(buckets));
            expect(bounds).toEqual(buckets);
            const last = buckets.length - 1;
            const model = new Array<number>(last).fill(0);
            for (const x of data) {
              if (x < (buckets[0] as string) || x > (buckets[last] as string)) continue;
              let i = 0;
              while (i < last - 1 && !(x < (buckets[i + 1] as string))) i++;
              model[i]! += 1;
            }
            expect(counts).toEqual(model);
          },
        ),
        { numRuns: runs(30) },
      );
    });
  });

  it('histogram(12) of [-30, -29, -28] puts -29, a bucket boundary, in the bucket it opens', async () => {
    await withContext(async (ctx) => {
      const [bounds, counts] = await settle(ctx, ctx.parallelize([-30, -29, -28], 2).histogram(12));
      expect(bounds[6]).toBe(-29);
      expect(counts).toEqual([1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
    });
  });
});

describe('key-value actions', () => {
  it('countByKey() and countByValue() count occurrences', async () => {
    await withContext(async (ctx) => {
      await fc.assert(
        fc.asyncProperty(pairList, partitions, async (data, n) => {
          const rdd = ctx.parallelize(data, n);
          const byKeyCounts = await settle(ctx, rdd.countByKey());
          const model = [...groupPairs(data).entries()].map(([k, vs]) => [k, vs.length]);
          expect(multiset([...byKeyCounts.entries()])).toEqual(multiset(model));
          const values = await settle(ctx, rdd.values().countByValue());
          const valueModel = new Map<number, number>();
          for (const [, v] of data) valueModel.set(v, (valueModel.get(v) ?? 0) + 1);
          expect(multiset([...values.entries()])).toEqual(multiset([...valueModel.entries()]));
        }),
        { numRuns: runs(40) },
      );
    });
  });

  it('collectAsMap() keeps, for each key, the last value in collect order', async () => {
    await withContext(async (ctx) => {
      await fc.assert(
        fc.asyncProperty(pairList, partitions, async (data, n) => {
          const got = await settle(ctx, ctx.parallelize(data, n).collectAsMap());
          const model = new Map<Key, number>();
          for (const [k, v] of data) model.set(k, v);
          expect(multiset([...got.entries()])).toEqual(multiset([...model.entries()]));
        }),
        { numRuns: runs(40) },
      );
    });
  });

  it('lookup(k) returns the values of k, with or without a partitioner (and [] for an absent key)', async () => {
    await withContext(async (ctx) => {
      await fc.assert(
        fc.asyncProperty(pairList, partitions, partitions, async (data, n, m) => {
          const plain = ctx.parallelize(data, n);
          const placed = plain.partitionBy(m);
          expect(plain.partitioner).toBeUndefined();
          expect(placed.partitioner).toBeDefined();
          const keys: Key[] = [...new Set(data.map((p) => p[0])), 'absent', 99];
          for (const k of keys) {
            const model = data.filter((p) => p[0] === k).map((p) => p[1]);
            expect(await settle(ctx, plain.lookup(k))).toEqual(model);
            expect([...(await settle(ctx, placed.lookup(k)))].sort(byNumber)).toEqual([...model].sort(byNumber));
          }
        }),
        { numRuns: runs(30) },
      );
    });
  });

  it('lookup(k) on an RDD with a partitioner runs its job on the one partition that holds k', async () => {
    await withContext(async (ctx) => {
      await fc.assert(
        fc.asyncProperty(pairList.filter((d) => d.length > 0), partitions, partitions, async (data, n, m) => {
          const placed = ctx.parallelize(data, n).partitionBy(m);
          await settle(ctx, placed.count());
          const k = (data[0] as [Key, number])[0];
          const jobs = await jobsScanned(ctx, () => settle(ctx, placed.lookup(k)));
          expect(jobs).toHaveLength(1);
          expect(jobs[0]).toEqual([placed.partitioner?.getPartition(k)]);
        }),
        { numRuns: runs(25) },
      );
    });
  });
});

describe('side-effect actions', () => {
  it('foreach(f) adding to an accumulator sees every record exactly once', async () => {
    await withContext(async (ctx) => {
      await fc.assert(
        fc.asyncProperty(intList, partitions, async (data, n) => {
          const total = ctx.accumulator(0);
          const seen = ctx.accumulator(0);
          await settle(
            ctx,
            ctx.parallelize(data, n).foreach((x) => {
              total.add(x);
              seen.add(1);
            }),
          );
          expect(total.value).toBe(data.reduce(add, 0));
          expect(seen.value).toBe(data.length);
        }),
        { numRuns: runs(40) },
      );
    });
  });

  it('foreachPartition(f) runs f once per partition with exactly that partition\'s records', async () => {
    await withContext(async (ctx) => {
      await fc.assert(
        fc.asyncProperty(intList, partitions, async (data, n) => {
          const calls = ctx.accumulator(0);
          const seen = ctx.accumulator<number[][]>([], { zero: () => [], addInPlace: (a, b) => a.concat(b) });
          await settle(
            ctx,
            ctx.parallelize(data, n).foreachPartition((it) => {
              calls.add(1);
              seen.add([[...it]]);
            }),
          );
          expect(calls.value).toBe(n);
          expect(multiset(seen.value)).toEqual(multiset(slices(data, n)));
        }),
        { numRuns: runs(40) },
      );
    });
  });
});

describe('concurrent actions', () => {
  it('actions started together on one context each return their model result, and the scheduler ends idle', async () => {
    await withContext(async (ctx) => {
      await fc.assert(
        fc.asyncProperty(pairList, partitions, partitions, async (data, n, m) => {
          const rdd = ctx.parallelize(data, n);
          const [all, count, sums, sorted, firstThree] = await Promise.all([
            rdd.collect(),
            rdd.count(),
            rdd.reduceByKey(add, m).collect(),
            rdd.sortByKey(true, m).keys().collect(),
            rdd.take(3),
          ]);
          expectIdle(ctx);
          expect(all).toEqual(data);
          expect(count).toBe(data.length);
          expect(multiset(sums)).toEqual(multiset([...groupPairs(data).entries()].map(([k, vs]) => [k, vs.reduce(add)])));
          expect(sorted).toEqual(data.map((p) => p[0]).sort(byKey));
          expect(firstThree).toEqual(data.slice(0, 3));
        }),
        { numRuns: runs(30) },
      );
    });
  });
});

describe('empty RDDs', () => {
  /** An empty RDD of each kind: no partitions, empty partitions, and everything filtered out. */
  function empties(ctx: Context, n: number, data: number[]): Array<[string, RDD<number>]> {
    return [
      ['emptyRDD()', ctx.emptyRDD<number>()],
      [`parallelize([], ${n})`, ctx.parallelize<number>([], n)],
      ['filter(() => false)', ctx.parallelize(data, n).filter(() => false)],
    ];
  }

  it('reduce, max, min, first and treeReduce reject with EmptyRDDError', async () => {
    await withContext(async (ctx) => {
      await fc.assert(
        fc.asyncProperty(intList, partitions, async (data, n) => {
          for (const [, rdd] of empties(ctx, n, data)) {
            await expect(settle(ctx, rdd.reduce(add))).rejects.toBeInstanceOf(EmptyRDDError);
            await expect(settle(ctx, rdd.max())).rejects.toBeInstanceOf(EmptyRDDError);
            await expect(settle(ctx, rdd.min())).rejects.toBeInstanceOf(EmptyRDDError);
            await expect(settle(ctx, rdd.first())).rejects.toBeInstanceOf(EmptyRDDError);
            await expect(settle(ctx, rdd.treeReduce(add))).rejects.toBeInstanceOf(EmptyRDDError);
            await expect(settle(ctx, rdd.histogram(3))).rejects.toBeInstanceOf(EmptyRDDError);
          }
        }),
        { numRuns: runs(20) },
      );
    });
  });

  it('sum and count are 0, fold/aggregate/treeAggregate give their zero, take/top/takeOrdered/collect give [] and isEmpty is true', async () => {
    await withContext(async (ctx) => {
      await fc.assert(
        fc.asyncProperty(intList, partitions, fc.integer({ min: 0, max: 10 }), async (data, n, k) => {
          for (const [name, rdd] of empties(ctx, n, data)) {
            const p = rdd.getNumPartitions();
            expect(await settle(ctx, rdd.sum()), name).toBe(0);
            expect(await settle(ctx, rdd.count()), name).toBe(0);
            expect(await settle(ctx, rdd.fold(0, add)), name).toBe(0);
            expect(await settle(ctx, rdd.fold(7, add)), name).toBe(7 * (p + 1));
            expect(await settle(ctx, rdd.aggregate([] as number[], (a, x) => [...a, x], (a, b) => [...a, ...b])), name).toEqual([]);
            expect(await settle(ctx, rdd.treeAggregate(0, add, add)), name).toBe(0);
            expect(await settle(ctx, rdd.take(k)), name).toEqual([]);
            expect(await settle(ctx, rdd.top(k)), name).toEqual([]);
            expect(await settle(ctx, rdd.takeOrdered(k)), name).toEqual([]);
            expect(await settle(ctx, rdd.collect()), name).toEqual([]);
            expect(await settle(ctx, rdd.isEmpty()), name).toBe(true);
            expect(await settle(ctx, rdd.takeSample(false, k, 1)), name).toEqual([]);
          }
        }),
        { numRuns: runs(20) },
      );
    });
  });

  it('emptyRDD().stats() and countByValue() reject while parallelize([]).stats() has count 0', async () => {
    await withContext(async (ctx) => {
      await fc.assert(
        fc.asyncProperty(partitions, async (n) => {
          await expect(settle(ctx, ctx.emptyRDD<number>().stats())).rejects.toBeInstanceOf(EmptyRDDError);
          await expect(settle(ctx, ctx.emptyRDD<number>().countByValue())).rejects.toBeInstanceOf(EmptyRDDError);
          const s = await settle(ctx, ctx.parallelize<number>([], n).stats());
          expect(s.count()).toBe(0);
          expect(s.mean()).toBe(0);
          expect(s.variance()).toBeNaN();
          expect((await settle(ctx, ctx.parallelize<number>([], n).countByValue())).size).toBe(0);
        }),
        { numRuns: runs(10) },
      );
    });
  });
});
