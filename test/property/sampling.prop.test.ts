// Property tests of random sampling: sample, randomSplit and takeSample are deterministic for a seed
// (across runs, rebuilt RDDs, contexts and executor layouts), keep records of the data in their
// relative order, split the data exactly, and return the sizes Spark promises.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Context, RDD } from '../../src/index.js';
import { byNumber, isSubsequence, multiset, partitions, runs, seed, settle, smallInt, withContext, withContexts } from '../helpers/arbitraries.js';

/**
 * A fraction in [0, 1]: mostly strictly inside (0.05..0.95), where the sample really depends on the
 * generator, sometimes an edge (0, 1, or an arbitrary double).
 */
const fraction = fc.oneof(
  { arbitrary: fc.integer({ min: 5, max: 95 }).map((p) => p / 100), weight: 8 },
  { arbitrary: fc.constantFrom(0, 1), weight: 1 },
  { arbitrary: fc.double({ min: 0, max: 1, noNaN: true }), weight: 1 },
);

/** A with-replacement fraction in [0, 3], mostly away from 0. */
const poissonFraction = fc.oneof(
  { arbitrary: fc.integer({ min: 10, max: 300 }).map((p) => p / 100), weight: 8 },
  { arbitrary: fc.double({ min: 0, max: 3, noNaN: true }), weight: 1 },
);

/** Weights for randomSplit: 1..5 non-negative numbers with a positive sum, mostly comparable sizes. */
const weights = fc
  .array(
    fc.oneof(
      { arbitrary: fc.integer({ min: 1, max: 10 }), weight: 6 },
      { arbitrary: fc.constant(0), weight: 1 },
      { arbitrary: fc.double({ min: 0, max: 10, noNaN: true }), weight: 1 },
    ),
    { minLength: 1, maxLength: 5 },
  )
  .filter((w) => w.reduce((a, b) => a + b, 0) > 0);

/** Lists long enough that samples and splits are rarely trivial. */
const sampleData = fc.array(smallInt, { maxLength: 150, size: 'medium' });

/** The positions 0..len-1 of `data`, so that records are distinct and their origin is visible. */
function positions(data: readonly unknown[]): number[] {
  return data.map((_, i) => i);
}

/** Builds the tagged RDD [position, value] of `data` in `n` partitions. */
function tagged(ctx: Context, data: readonly number[], n: number): RDD<[number, number]> {
  return ctx.parallelize(
    data.map((x, i) => [i, x] as [number, number]),
    n,
  );
}

describe('sample', () => {
  it('sample(false, f, seed) returns the same records for the same seed whatever the run', async () => {
    await withContexts([{}, {}], async ([ctx, other]) => {
      await fc.assert(
        fc.asyncProperty(sampleData, partitions, fraction, seed, async (data, n, f, s) => {
          const rdd = ctx.parallelize(data, n).sample(false, f, s);
          const first = await settle(ctx, rdd.collect());
          expect(await settle(ctx, rdd.collect())).toEqual(first);
          expect(await settle(ctx, ctx.parallelize(data, n).sample(false, f, s).collect())).toEqual(first);
          expect(await settle(other, other.parallelize(data, n).sample(false, f, s).collect())).toEqual(first);
        }),
        { numRuns: runs(40) },
      );
    });
  });

  it('sample(true, f, seed) returns the same records for the same seed whatever the run', async () => {
    await withContexts([{}, {}], async ([ctx, other]) => {
      await fc.assert(
        fc.asyncProperty(sampleData, partitions, poissonFraction, seed, async (data, n, f, s) => {
          const rdd = ctx.parallelize(data, n).sample(true, f, s);
          const first = await settle(ctx, rdd.collect());
          expect(await settle(ctx, rdd.collect())).toEqual(first);
          expect(await settle(ctx, ctx.parallelize(data, n).sample(true, f, s).collect())).toEqual(first);
          expect(await settle(other, other.parallelize(data, n).sample(true, f, s).collect())).toEqual(first);
        }),
        { numRuns: runs(40) },
      );
    });
  });

  it('sample(false, f, seed) is a sub-multiset of the data in the same relative order', async () => {
    await withContext(async (ctx) => {
      await fc.assert(
        fc.asyncProperty(sampleData, partitions, fraction, seed, async (data, n, f, s) => {
          const picked = await settle(ctx, ctx.parallelize(data, n).sample(false, f, s).collect());
          expect(isSubsequence(picked, data)).toBe(true);
          const origins = (await settle(ctx, tagged(ctx, data, n).sample(false, f, s).collect())).map((r) => r[0]);
          for (let i = 1; i < origins.length; i++) expect(origins[i] as number).toBeGreaterThan(origins[i - 1] as number);
        }),
        { numRuns: runs(40) },
      );
    });
  });

  it('sample(true, f, seed) repeats records of the data in their relative order', async () => {
    await withContext(async (ctx) => {
      await fc.assert(
        fc.asyncProperty(sampleData, partitions, poissonFraction, seed, async (data, n, f, s) => {
          const rows = await settle(ctx, tagged(ctx, data, n).sample(true, f, s).collect());
          for (const [i, x] of rows) expect(x).toBe(data[i]);
          for (let j = 1; j < rows.length; j++) expect((rows[j] as [number, number])[0]).toBeGreaterThanOrEqual((rows[j - 1] as [number, number])[0]);
        }),
        { numRuns: runs(40) },
      );
    });
  });

  it('sample(false, 0, seed) is empty and sample(false, 1, seed) keeps every record', async () => {
    await withContext(async (ctx) => {
      await fc.assert(
        fc.asyncProperty(sampleData, partitions, seed, async (data, n, s) => {
          expect(await settle(ctx, ctx.parallelize(data, n).sample(false, 0, s).collect())).toEqual([]);
          expect(await settle(ctx, ctx.parallelize(data, n).sample(false, 1, s).collect())).toEqual(data);
          expect(await settle(ctx, ctx.parallelize(data, n).sample(true, 0, s).collect())).toEqual([]);
        }),
        { numRuns: runs(25) },
      );
    });
  });

  it('sample sizes follow the fraction: within 6 standard deviations of f*n (Bernoulli) and of f*n (Poisson)', async () => {
    await withContext(async (ctx) => {
      await fc.assert(
        fc.asyncProperty(fc.double({ min: 0.05, max: 0.95, noNaN: true }), fc.double({ min: 0.1, max: 3, noNaN: true }), seed, partitions, async (f, g, s, n) => {
          const size = 3000;
          const rdd = ctx.range(size, undefined, 1, n);
          const without = await settle(ctx, rdd.sample(false, f, s).count());
          expect(Math.abs(without - f * size)).toBeLessThanOrEqual(6 * Math.sqrt(size * f * (1 - f)));
          const withRepl = await settle(ctx, rdd.sample(true, g, s).count());
          expect(Math.abs(withRepl - g * size)).toBeLessThanOrEqual(6 * Math.sqrt(size * g));
        }),
        { numRuns: runs(15) },
      );
    });
  });

  it('sample(false, f, seed) and sample(true, f, seed) do not depend on which executor ran the task', async () => {
    await withContexts([{ master: 'local-cluster[2,6]' }, { master: 'local[1]' }], async ([cluster, local]) => {
      await fc.assert(
        fc.asyncProperty(sampleData, partitions, fraction, seed, async (data, n, f, s) => {
          for (const [withReplacement, g] of [
            [false, f],
            [true, 2 * f],
          ] as const) {
            const onCluster = await settle(cluster, cluster.parallelize(data, n).sample(withReplacement, g, s).collect());
            const onLocal = await settle(local, local.parallelize(data, n).sample(withReplacement, g, s).collect());
            expect(onLocal).toEqual(onCluster);
          }
        }),
        { numRuns: runs(30) },
      );
    });
  });
});

describe('randomSplit', () => {
  it('randomSplit(weights, seed) splits are disjoint, in data order, and together hold every record once', async () => {
    await withContext(async (ctx) => {
      await fc.assert(
        fc.asyncProperty(sampleData, partitions, weights, seed, async (data, n, w, s) => {
          const splits = tagged(ctx, data, n).randomSplit(w, s);
          expect(splits).toHaveLength(w.length);
          const parts: Array<Array<[number, number]>> = [];
          for (const split of splits) parts.push(await settle(ctx, split.collect()));
          for (const part of parts) {
            for (let i = 1; i < part.length; i++) expect((part[i] as [number, number])[0]).toBeGreaterThan((part[i - 1] as [number, number])[0]);
          }
          const all = parts.flat();
          expect(all.map((r) => r[0]).sort(byNumber)).toEqual(positions(data));
          expect(multiset(all.map((r) => r[1]))).toEqual(multiset(data));
          w.forEach((weight, j) => {
            if (weight === 0) expect(parts[j]).toEqual([]);
          });
        }),
        { numRuns: runs(40) },
      );
    });
  });

  it('randomSplit(weights, seed) gives the same splits for the same seed, on any executor layout', async () => {
    await withContexts([{}, { master: 'local[1]' }], async ([ctx, local]) => {
      await fc.assert(
        fc.asyncProperty(sampleData, partitions, weights, seed, async (data, n, w, s) => {
          const collectAll = async (c: Context): Promise<number[][]> => {
            const out: number[][] = [];
            for (const split of c.parallelize(data, n).randomSplit(w, s)) out.push(await settle(c, split.collect()));
            return out;
          };
          const first = await collectAll(ctx);
          expect(await collectAll(ctx)).toEqual(first);
          expect(await collectAll(local)).toEqual(first);
        }),
        { numRuns: runs(30) },
      );
    });
  });

  it('randomSplit([2, 3], 17) of range(500) in 1 partition has sizes near 200 and 300', async () => {
    await withContext(async (ctx) => {
      const [a, b] = ctx.range(500, undefined, 1, 1).randomSplit([2, 3], 17) as [RDD<number>, RDD<number>];
      const na = await settle(ctx, a.count());
      const nb = await settle(ctx, b.count());
      expect(na + nb).toBe(500);
      expect(na).toBeGreaterThan(150);
      expect(na).toBeLessThan(250);
      expect(nb).toBeGreaterThan(250);
      expect(nb).toBeLessThan(350);
    });
  });
});

describe('takeSample', () => {
  it('takeSample(false, num, seed) returns min(num, count) distinct records of the data', async () => {
    await withContext(async (ctx) => {
      await fc.assert(
        fc.asyncProperty(sampleData, partitions, fc.integer({ min: 0, max: 80 }), seed, async (data, n, num, s) => {
          const rows = await settle(ctx, tagged(ctx, data, n).takeSample(false, num, s));
          expect(rows).toHaveLength(Math.min(num, data.length));
          const origins = rows.map((r) => r[0]);
          expect(new Set(origins).size).toBe(origins.length);
          for (const [i, x] of rows) expect(x).toBe(data[i]);
          const values = await settle(ctx, ctx.parallelize(data, n).takeSample(false, num, s));
          expect(values).toHaveLength(Math.min(num, data.length));
          const remaining = [...data];
          for (const v of values) {
            const at = remaining.indexOf(v);
            expect(at).toBeGreaterThanOrEqual(0);
            remaining.splice(at, 1);
          }
        }),
        { numRuns: runs(40) },
      );
    });
  });

  it('takeSample(true, num, seed) returns exactly num records of the data (count > 0)', async () => {
    await withContext(async (ctx) => {
      await fc.assert(
        fc.asyncProperty(sampleData.filter((d) => d.length > 0), partitions, fc.integer({ min: 0, max: 80 }), seed, async (data, n, num, s) => {
          const rows = await settle(ctx, tagged(ctx, data, n).takeSample(true, num, s));
          expect(rows).toHaveLength(num);
          for (const [i, x] of rows) expect(x).toBe(data[i]);
        }),
        { numRuns: runs(40) },
      );
    });
  });

  it('takeSample(withReplacement, num, seed) returns the same records for the same seed, on any executor layout', async () => {
    await withContexts([{}, { master: 'local[1]' }], async ([ctx, local]) => {
      await fc.assert(
        fc.asyncProperty(sampleData, partitions, fc.boolean(), fc.integer({ min: 0, max: 80 }), seed, async (data, n, wr, num, s) => {
          const first = await settle(ctx, ctx.parallelize(data, n).takeSample(wr, num, s));
          expect(await settle(ctx, ctx.parallelize(data, n).takeSample(wr, num, s))).toEqual(first);
          expect(await settle(local, local.parallelize(data, n).takeSample(wr, num, s))).toEqual(first);
        }),
        { numRuns: runs(30) },
      );
    });
  });

  it('takeSample of range(10): (true, 20, 1) has 20 records, (false, 5, 2) has 5 and (false, 15, 3) all 10', async () => {
    await withContext(async (ctx) => {
      const rdd = ctx.range(10);
      expect(await settle(ctx, rdd.takeSample(true, 20, 1))).toHaveLength(20);
      expect(new Set(await settle(ctx, rdd.takeSample(false, 5, 2))).size).toBe(5);
      expect([...(await settle(ctx, rdd.takeSample(false, 15, 3)))].sort(byNumber)).toEqual(positions(Array.from({ length: 10 })));
    });
  });

  it('takeSample(false, 10) of 1000 records depends on the seed', async () => {
    await withContext(async (ctx) => {
      const rdd = ctx.range(1000, undefined, 1, 4);
      const samples = new Set<string>();
      for (const s of [1, 2, 3, 4, 5]) samples.add(JSON.stringify(await settle(ctx, rdd.takeSample(false, 10, s))));
      expect(samples.size).toBeGreaterThan(1);
    });
  });
});
