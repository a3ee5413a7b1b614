// Property tests of RDD transformations against plain-array models: for any data and 1..24
// partitions, collect() equals the model in order where Spark guarantees order (narrow operators,
// slicing, sorts) and as a multiset where it does not (shuffles); every case ends with an idle scheduler.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HashPartitioner, type RDD } from '../../src/index.js';
import {
  byCodeUnits,
  byKey,
  byNumber,
  distinctOf,
  groupPairs,
  intList,
  multiset,
  nonEmptyIntList,
  pairList,
  pairListPair,
  partitions,
  runs,
  settle,
  shortString,
  slices,
  smallInt,
  stringList,
  withContext,
} from '../helpers/arbitraries.js';

const add = (a: number, b: number): number => a + b;
type Key = number | string;
type Pair = [Key, number];

/** Sorted copy of the values inside each [key, values[]] group, for multiset comparison. */
function sortedGroups<K>(groups: ReadonlyArray<[K, number[]]>): Array<[K, number[]]> {
  return groups.map(([k, vs]) => [k, [...vs].sort(byNumber)]);
}

/** Key -> list of values, from the model. */
function modelGroups(pairs: readonly Pair[]): Array<[Key, number[]]> {
  return [...groupPairs(pairs).entries()].map(([k, vs]) => [k, [...vs].sort(byNumber)]);
}

/** For each key, the number of slices (of `n`) in which it occurs. */
function partitionsHolding(pairs: readonly Pair[], n: number): Map<Key, number> {
  const holding = new Map<Key, number>();
  for (const slice of slices(pairs, n)) for (const k of new Set(slice.map((p) => p[0]))) holding.set(k, (holding.get(k) ?? 0) + 1);
  return holding;
}

describe('narrow transformations keep the data order', () => {
  it('map(f) returns f of every record, in order', async () => {
    await withContext(async (ctx) => {
      await fc.assert(
        fc.asyncProperty(intList, partitions, async (data, n) => {
          const got = await settle(ctx, ctx.parallelize(data, n).map((x) => x * 3 - 1).collect());
          expect(got).toEqual(data.map((x) => x * 3 - 1));
        }),
        { numRuns: runs(40) },
      );
    });
  });

  it('filter(f) keeps exactly the records satisfying f, in order', async () => {
    await withContext(async (ctx) => {
      await fc.assert(
        fc.asyncProperty(intList, partitions, async (data, n) => {
          const got = await settle(ctx, ctx.parallelize(data, n).filter((x) => x % 3 === 0).collect());
          expect(got).toEqual(data.filter((x) => x % 3 === 0));
        }),
        { numRuns: runs(40) },
      );
    });
  });

  it('flatMap(f) concatenates f of every record, in order', async () => {
    await withContext(async (ctx) => {
      await fc.assert(
        fc.asyncProperty(stringList, partitions, async (data, n) => {
          const f = (s: string): string[] => s.split('');
          const got = await settle(ctx, ctx.parallelize(data, n).flatMap(f).collect());
          expect(got).toEqual(data.flatMap(f));
        }),
        { numRuns: runs(40) },
      );
    });
  });

  it('chained map, filter and flatMap compose like the array methods', async () => {
    await withContext(async (ctx) => {
      await fc.assert(
        fc.asyncProperty(intList, partitions, async (data, n) => {
          const rdd = ctx
            .parallelize(data, n)
            .map((x) => x + 1)
            .filter((x) => x % 2 !== 0)
            .flatMap((x) => (x > 0 ? [x, -x] : [x]));
          const got = await settle(ctx, rdd.collect());
          expect(got).toEqual(
            data
              .map((x) => x + 1)
              .filter((x) => x % 2 !== 0)
              .flatMap((x) => (x > 0 ? [x, -x] : [x])),
          );
        }),
        { numRuns: runs(40) },
      );
    });
  });

  it('mapPartitions(f) sees each parallelize slice as one iterator, in partition order', async () => {
    await withContext(async (ctx) => {
      await fc.assert(
        fc.asyncProperty(intList, partitions, async (data, n) => {
          const rdd = ctx.parallelize(data, n).mapPartitions((it) => {
            const records = [...it];
            return [records.length, ...records.map((x) => x * 2)];
          });
          const got = await settle(ctx, rdd.collect());
          expect(got).toEqual(slices(data, n).flatMap((s) => [s.length, ...s.map((x) => x * 2)]));
        }),
        { numRuns: runs(40) },
      );
    });
  });

  it('mapPartitionsWithIndex(f) passes each partition its own index', async () => {
    await withContext(async (ctx) => {
      await fc.assert(
        fc.asyncProperty(intList, partitions, async (data, n) => {
          const rdd = ctx.parallelize(data, n).mapPartitionsWithIndex((i, it) => [...it].map((x) => [i, x] as [number, number]));
          const got = await settle(ctx, rdd.collect());
          expect(got).toEqual(slices(data, n).flatMap((s, i) => s.map((x) => [i, x])));
        }),
        { numRuns: runs(40) },
      );
    });
  });

  it('glom() of parallelize(data, n) gives partition i the items [floor(i*len/n), floor((i+1)*len/n))', async () => {
    await withContext(async (ctx) => {
      await fc.assert(
        fc.asyncProperty(intList, partitions, async (data, n) => {
          const rdd = ctx.parallelize(data, n);
          expect(rdd.getNumPartitions()).toBe(n);
          const got = await settle(ctx, rdd.glom().collect());
          const expected = Array.from({ length: n }, (_, i) => data.slice(Math.floor((i * data.length) / n), Math.floor(((i + 1) * data.length) / n)));
          expect(got).toEqual(expected);
        }),
        { numRuns: runs(40) },
      );
    });
  });

  it('glom() of range(start, end, step, n) slices the range by the same rule', async () => {
    await withContext(async (ctx) => {
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: -30, max: 30 }), fc.integer({ min: 0, max: 80 }), fc.integer({ min: 1, max: 4 }), partitions, async (start, len, step, n) => {
          const end = start + len;
          const model: number[] = [];
          for (let x = start; x < end; x += step) model.push(x);
          const got = await settle(ctx, ctx.range(start, end, step, n).glom().collect());
          expect(got.map((p) => Array.from(p))).toEqual(slices(model, n));
        }),
        { numRuns: runs(40) },
      );
    });
  });

  it('union(other) is this RDD followed by the other, duplicates kept, with the partitions of both', async () => {
    await withContext(async (ctx) => {
      await fc.assert(
        fc.asyncProperty(intList, partitions, intList, partitions, async (a, na, b, nb) => {
          const u = ctx.parallelize(a, na).union(ctx.parallelize(b, nb));
          expect(u.getNumPartitions()).toBe(na + nb);
          expect(await settle(ctx, u.collect())).toEqual([...a, ...b]);
          const self = ctx.parallelize(a, na);
          expect(await settle(ctx, self.union(self).collect())).toEqual([...a, ...a]);
          const three = ctx.union([ctx.parallelize(a, na), ctx.parallelize(b, nb), ctx.parallelize(a, 1)]);
          expect(await settle(ctx, three.collect())).toEqual([...a, ...b, ...a]);
        }),
        { numRuns: runs(40) },
      );
    });
  });

  it('union of two RDDs placed by the same HashPartitioner keeps the placement', async () => {
    await withContext(async (ctx) => {
      await fc.assert(
        fc.asyncProperty(pairListPair, partitions, partitions, partitions, async ([a, b], na, nb, m) => {
          const u = ctx.parallelize(a, na).partitionBy(m).union(ctx.parallelize(b, nb).partitionBy(m));
          expect(u.getNumPartitions()).toBe(m);
          const parts = await settle(ctx, u.glom().collect());
          const hp = new HashPartitioner(m);
          parts.forEach((records, i) => records.forEach(([k]) => expect(hp.getPartition(k)).toBe(i)));
          expect(multiset(parts.flat())).toEqual(multiset([...a, ...b]));
        }),
        { numRuns: runs(40) },
      );
    });
  });

  it('zip(other) pairs the i-th records of two equally sliced RDDs', async () => {
    await withContext(async (ctx) => {
      await fc.assert(
        fc.asyncProperty(fc.array(fc.tuple(smallInt, shortString), { maxLength: 50, size: 'medium' }), partitions, async (tuples, n) => {
          const left = ctx.parallelize(tuples.map((t) => t[0]), n);
          const right = ctx.parallelize(tuples.map((t) => t[1]), n);
          expect(await settle(ctx, left.zip(right).collect())).toEqual(tuples);
          expect(await settle(ctx, left.zip(left.map((x) => x * x)).collect())).toEqual(tuples.map((t) => [t[0], t[0] * t[0]]));
        }),
        { numRuns: runs(40) },
      );
    });
  });

  it('zipWithIndex() numbers the records 0, 1, 2 ... in order, also over unevenly filled partitions', async () => {
    await withContext(async (ctx) => {
      await fc.assert(
        fc.asyncProperty(intList, partitions, async (data, n) => {
          expect(await settle(ctx, ctx.parallelize(data, n).zipWithIndex().collect())).toEqual(data.map((x, i) => [x, i]));
          const kept = data.filter((x) => x > 0);
          const got = await settle(ctx, ctx.parallelize(data, n).filter((x) => x > 0).zipWithIndex().collect());
          expect(got).toEqual(kept.map((x, i) => [x, i]));
        }),
        { numRuns: runs(40) },
      );
    });
  });

  it('zipWithUniqueId() gives record i of partition k of n the id i*n + k', async () => {
    await withContext(async (ctx) => {
      await fc.assert(
        fc.asyncProperty(intList, partitions, async (data, n) => {
          const keep = (x: number): boolean => x % 2 === 0;
          const got = await settle(ctx, ctx.parallelize(data, n).filter(keep).zipWithUniqueId().collect());
          const model = slices(data, n).flatMap((s, k) => s.filter(keep).map((x, i) => [x, i * n + k]));
          expect(got).toEqual(model);
          const ids = got.map((p) => p[1]);
          expect(new Set(ids).size).toBe(ids.length);
        }),
        { numRuns: runs(40) },
      );
    });
  });

  it('keyBy(f) returns [f(x), x] for every record, in order', async () => {
    await withContext(async (ctx) => {
      await fc.assert(
        fc.asyncProperty(stringList, partitions, async (data, n) => {
          const got = await settle(ctx, ctx.parallelize(data, n).keyBy((s) => s.length).collect());
          expect(got).toEqual(data.map((s) => [s.length, s]));
        }),
        { numRuns: runs(40) },
      );
    });
  });

  it('mapValues(f) and flatMapValues(f) transform values only, in order', async () => {
    await withContext(async (ctx) => {
      await fc.assert(
        fc.asyncProperty(pairList, partitions, async (data, n) => {
          const rdd = ctx.parallelize(data, n);
          expect(await settle(ctx, rdd.mapValues((v) => v * 10).collect())).toEqual(data.map(([k, v]) => [k, v * 10]));
          const fv = (v: number): number[] => Array.from({ length: Math.abs(v) % 3 }, (_, i) => v + i);
          expect(await settle(ctx, rdd.flatMapValues(fv).collect())).toEqual(data.flatMap(([k, v]) => fv(v).map((w) => [k, w])));
        }),
        { numRuns: runs(40) },
      );
    });
  });

  it('mapValues and flatMapValues keep a hash partitioner and every record in its hash partition', async () => {
    await withContext(async (ctx) => {
      await fc.assert(
        fc.asyncProperty(pairList, partitions, partitions, async (data, n, m) => {
          const placed = ctx.parallelize(data, n).partitionBy(m);
          const hp = new HashPartitioner(m);
          for (const rdd of [placed.mapValues((v) => v + 1), placed.flatMapValues((v) => [v, v])]) {
            expect(rdd.partitioner?.equals(hp)).toBe(true);
            const parts = await settle(ctx, rdd.glom().collect());
            parts.forEach((records, i) => records.forEach(([k]) => expect(hp.getPartition(k)).toBe(i)));
          }
        }),
        { numRuns: runs(40) },
      );
    });
  });

  it('cartesian(other) holds every pair, partition i*m + j pairing left slice i with right slice j', async () => {
    await withContext(async (ctx) => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(smallInt, { maxLength: 12, size: 'medium' }),
          fc.integer({ min: 1, max: 24 }),
          fc.array(shortString, { maxLength: 12, size: 'medium' }),
          fc.integer({ min: 1, max: 8 }),
          async (a, na, b, nb) => {
            const c = ctx.parallelize(a, na).cartesian(ctx.parallelize(b, nb));
            expect(c.getNumPartitions()).toBe(na * nb);
            const model = slices(a, na).flatMap((left) => slices(b, nb).flatMap((right) => left.flatMap((x) => right.map((y) => [x, y]))));
            expect(await settle(ctx, c.collect())).toEqual(model);
            expect(multiset(model)).toEqual(multiset(a.flatMap((x) => b.map((y) => [x, y]))));
          },
        ),
        { numRuns: runs(30) },
      );
    });
  });

  it('coalesce(m) without shuffle merges contiguous parent partitions and keeps the order', async () => {
    await withContext(async (ctx) => {
      await fc.assert(
        fc.asyncProperty(intList, partitions, partitions, async (data, p, m) => {
          const c = ctx.parallelize(data, p).coalesce(m);
          const parts = slices(data, p);
          const width = Math.min(m, p);
          expect(c.getNumPartitions()).toBe(width);
          const model: number[][] = [];
          for (let i = 0; i < width; i++) {
            const group: number[] = [];
            for (let j = Math.floor((i * p) / width); j < Math.floor(((i + 1) * p) / width); j++) group.push(...(parts[j] as number[]));
            model.push(group);
          }
          expect(await settle(ctx, c.glom().collect())).toEqual(model);
          expect(await settle(ctx, c.collect())).toEqual(data);
        }),
        { numRuns: runs(40) },
      );
    });
  });
});

describe('sorts return records in key order', () => {
  it('sortBy(identity, ascending, m) returns the sorted data in m partitions, ascending or descending', async () => {
    await withContext(async (ctx) => {
      await fc.assert(
        fc.asyncProperty(intList, partitions, fc.boolean(), fc.option(partitions, { nil: undefined }), async (data, n, ascending, m) => {
          const sorted = ctx.parallelize(data, n).sortBy((x) => x, ascending, m);
          expect(sorted.getNumPartitions()).toBe(m ?? n);
          const model = [...data].sort(byNumber);
          if (!ascending) model.reverse();
          expect(await settle(ctx, sorted.collect())).toEqual(model);
        }),
        { numRuns: runs(40) },
      );
    });
  });

  it('sortBy(f) orders records by f, ties in any order', async () => {
    await withContext(async (ctx) => {
      await fc.assert(
        fc.asyncProperty(stringList, partitions, fc.boolean(), partitions, async (data, n, ascending, m) => {
          const got = await settle(ctx, ctx.parallelize(data, n).sortBy((s) => s.length, ascending, m).collect());
          const lengths = data.map((s) => s.length).sort(byNumber);
          if (!ascending) lengths.reverse();
          expect(got.map((s) => s.length)).toEqual(lengths);
          expect(multiset(got)).toEqual(multiset(data));
        }),
        { numRuns: runs(40) },
      );
    });
  });

  it('sortByKey(ascending, m) returns keys in order, each partition a contiguous key range', async () => {
    await withContext(async (ctx) => {
      await fc.assert(
        fc.asyncProperty(pairList, partitions, fc.boolean(), partitions, async (data, n, ascending, m) => {
          const sorted = ctx.parallelize(data, n).sortByKey(ascending, m);
          expect(sorted.getNumPartitions()).toBe(m);
          const parts = await settle(ctx, sorted.glom().collect());
          const got = parts.flat();
          const keys = data.map((p) => p[0]).sort(byKey);
          if (!ascending) keys.reverse();
          expect(got.map((p) => p[0])).toEqual(keys);
          expect(multiset(got)).toEqual(multiset(data));
          expect(await settle(ctx, sorted.collect())).toEqual(got);
        }),
        { numRuns: runs(40) },
      );
    });
  });

  it('sortByKey on string keys orders by UTF-16 code units', async () => {
    await withContext(async (ctx) => {
      await fc.assert(
        fc.asyncProperty(stringList, partitions, partitions, async (data, n, m) => {
          const got = await settle(ctx, ctx.parallelize(data.map((s, i) => [s, i] as [string, number]), n).sortByKey(true, m).keys().collect());
          expect(got).toEqual([...data].sort(byCodeUnits));
        }),
        { numRuns: runs(40) },
      );
    });
  });

  it('sortByKey(ascending, m, keyfunc) orders by keyfunc(key)', async () => {
    await withContext(async (ctx) => {
      await fc.assert(
        fc.asyncProperty(pairList, partitions, fc.boolean(), partitions, async (data, n, ascending, m) => {
          const keyfunc = (k: Key): string => String(k).split('').reverse().join('');
          const got = await settle(ctx, ctx.parallelize(data, n).sortByKey(ascending, m, keyfunc).collect());
          const keys = data.map((p) => keyfunc(p[0])).sort(byCodeUnits);
          if (!ascending) keys.reverse();
          expect(got.map((p) => keyfunc(p[0]))).toEqual(keys);
          expect(multiset(got)).toEqual(multiset(data));
        }),
        { numRuns: runs(40) },
      );
    });
  });

  it('sortByKey(ascending, 5) of [(i*59 % 101, i)] is sorted and fills all 5 partitions', async () => {
    await withContext(async (ctx) => {
      const seq = Array.from({ length: 101 }, (_, i) => [(i * 59) % 101, i] as [number, number]);
      for (const ascending of [true, false]) {
        const sorted = ctx.parallelize(seq).sortByKey(ascending, 5);
        const model = [...seq].sort((a, b) => a[0] - b[0]);
        if (!ascending) model.reverse();
        expect(await settle(ctx, sorted.collect())).toEqual(model);
        const parts = await settle(ctx, sorted.glom().collect());
        expect(parts.every((p) => p.length > 0)).toBe(true);
      }
    });
  });
});

describe('shuffles keep the multiset of records', () => {
  it('distinct() returns each value once', async () => {
    await withContext(async (ctx) => {
      await fc.assert(
        fc.asyncProperty(intList, partitions, fc.option(partitions, { nil: undefined }), async (data, n, m) => {
          const got = await settle(ctx, ctx.parallelize(data, n).distinct(m).collect());
          expect(multiset(got)).toEqual(multiset(distinctOf(data)));
        }),
        { numRuns: runs(40) },
      );
    });
  });

  it('groupBy(f) puts every record in the group of f(record)', async () => {
    await withContext(async (ctx) => {
      await fc.assert(
        fc.asyncProperty(intList, partitions, fc.option(partitions, { nil: undefined }), async (data, n, m) => {
          const f = (x: number): number => ((x % 4) + 4) % 4;
          const got = await settle(ctx, ctx.parallelize(data, n).groupBy(f, m).collect());
          const model = modelGroups(data.map((x) => [f(x), x] as Pair));
          expect(multiset(sortedGroups(got))).toEqual(multiset(model));
        }),
        { numRuns: runs(40) },
      );
    });
  });

  it('groupByKey() gives each key all its values', async () => {
    await withContext(async (ctx) => {
      await fc.assert(
        fc.asyncProperty(pairList, partitions, fc.option(partitions, { nil: undefined }), async (data, n, m) => {
          const got = await settle(ctx, ctx.parallelize(data, n).groupByKey(m).collect());
          expect(multiset(sortedGroups(got))).toEqual(multiset(modelGroups(data)));
        }),
        { numRuns: runs(40) },
      );
    });
  });

  it('reduceByKey(+) gives each key the sum of its values', async () => {
    await withContext(async (ctx) => {
      await fc.assert(
        fc.asyncProperty(pairList, partitions, fc.option(partitions, { nil: undefined }), async (data, n, m) => {
          const got = await settle(ctx, ctx.parallelize(data, n).reduceByKey(add, m).collect());
          const model = [...groupPairs(data).entries()].map(([k, vs]) => [k, vs.reduce(add)]);
          expect(multiset(got)).toEqual(multiset(model));
        }),
        { numRuns: runs(40) },
      );
    });
  });

  it('reduceByKey over an RDD already placed by the same partitioner still merges every key once', async () => {
    await withContext(async (ctx) => {
      await fc.assert(
        fc.asyncProperty(pairList, partitions, partitions, async (data, n, m) => {
          const placed = ctx.parallelize(data, n).partitionBy(m);
          const reduced = placed.reduceByKey(add, m);
          expect(reduced.getNumPartitions()).toBe(m);
          const got = await settle(ctx, reduced.collect());
          const model = [...groupPairs(data).entries()].map(([k, vs]) => [k, vs.reduce(add)]);
          expect(multiset(got)).toEqual(multiset(model));
        }),
        { numRuns: runs(40) },
      );
    });
  });

  it('aggregateByKey(zero) starts every key of every partition from its own copy of zero', async () => {
    await withContext(async (ctx) => {
      await fc.assert(
        fc.asyncProperty(pairList, partitions, fc.option(partitions, { nil: undefined }), async (data, n, m) => {
          const rdd = ctx.parallelize(data, n);
          const lists = await settle(
            ctx,
            rdd
              .aggregateByKey(
                [] as number[],
                (acc, v) => {
                  acc.push(v);
                  return acc;
                },
                (a, b) => a.concat(b),
                m,
              )
              .collect(),
          );
          expect(multiset(sortedGroups(lists))).toEqual(multiset(modelGroups(data)));
          // A non-neutral zero is folded in once per (key, input partition holding the key).
          const withTen = await settle(ctx, rdd.aggregateByKey(10, (acc, v) => acc + v, add, m).collect());
          const holding = partitionsHolding(data, n);
          const model = [...groupPairs(data).entries()].map(([k, vs]) => [k, vs.reduce(add) + 10 * (holding.get(k) as number)]);
          expect(multiset(withTen)).toEqual(multiset(model));
        }),
        { numRuns: runs(40) },
      );
    });
  });

  it('combineByKey(create, mergeValue, mergeCombiners) computes [sum, count] per key', async () => {
    await withContext(async (ctx) => {
      await fc.assert(
        fc.asyncProperty(pairList, partitions, fc.option(partitions, { nil: undefined }), async (data, n, m) => {
          const got = await settle(
            ctx,
            ctx
              .parallelize(data, n)
              .combineByKey(
                (v) => [v, 1] as [number, number],
                (c, v) => [c[0] + v, c[1] + 1] as [number, number],
                (a, b) => [a[0] + b[0], a[1] + b[1]] as [number, number],
                m,
              )
              .collect(),
          );
          const model = [...groupPairs(data).entries()].map(([k, vs]) => [k, [vs.reduce(add), vs.length]]);
          expect(multiset(got)).toEqual(multiset(model));
        }),
        { numRuns: runs(40) },
      );
    });
  });

  it('foldByKey(0, +) sums each key; foldByKey(1, +) adds 1 per input partition holding the key', async () => {
    await withContext(async (ctx) => {
      await fc.assert(
        fc.asyncProperty(pairList, partitions, fc.option(partitions, { nil: undefined }), async (data, n, m) => {
          const rdd = ctx.parallelize(data, n);
          const sums = [...groupPairs(data).entries()].map(([k, vs]) => [k, vs.reduce(add)] as Pair);
          expect(multiset(await settle(ctx, rdd.foldByKey(0, add, m).collect()))).toEqual(multiset(sums));
          const holding = partitionsHolding(data, n);
          const ones = sums.map(([k, s]) => [k, s + (holding.get(k) as number)]);
          expect(multiset(await settle(ctx, rdd.foldByKey(1, add, m).collect()))).toEqual(multiset(ones));
        }),
        { numRuns: runs(40) },
      );
    });
  });

  it('partitionBy(m) keeps every record and places key k in partition HashPartitioner(m).getPartition(k)', async () => {
    await withContext(async (ctx) => {
      await fc.assert(
        fc.asyncProperty(pairList, partitions, partitions, async (data, n, m) => {
          const placed = ctx.parallelize(data, n).partitionBy(m);
          expect(placed.getNumPartitions()).toBe(m);
          const parts = await settle(ctx, placed.glom().collect());
          expect(parts).toHaveLength(m);
          const hp = new HashPartitioner(m);
          parts.forEach((records, i) => records.forEach(([k]) => expect(hp.getPartition(k)).toBe(i)));
          // Small integers hash to themselves (PySpark's portable_hash), so key k lands in k mod m.
          parts.forEach((records, i) => records.forEach(([k]) => typeof k === 'number' && expect(((k % m) + m) % m).toBe(i)));
          expect(multiset(parts.flat())).toEqual(multiset(data));
          expect(placed.partitionBy(m)).toBe(placed);
        }),
        { numRuns: runs(40) },
      );
    });
  });

  it('join(other) returns [k, [v, w]] for every pair of matching records', async () => {
    await withContext(async (ctx) => {
      await fc.assert(
        fc.asyncProperty(pairListPair, partitions, partitions, fc.option(partitions, { nil: undefined }), async ([a, b], na, nb, m) => {
          const got = await settle(ctx, ctx.parallelize(a, na).join(ctx.parallelize(b, nb), m).collect());
          const model = a.flatMap(([k, v]) => b.filter(([k2]) => k2 === k).map(([, w]) => [k, [v, w]]));
          expect(multiset(got)).toEqual(multiset(model));
        }),
        { numRuns: runs(40) },
      );
    });
  });

  it('leftOuterJoin(other) keeps unmatched left records with null on the right', async () => {
    await withContext(async (ctx) => {
      await fc.assert(
        fc.asyncProperty(pairListPair, partitions, partitions, fc.option(partitions, { nil: undefined }), async ([a, b], na, nb, m) => {
          const got = await settle(ctx, ctx.parallelize(a, na).leftOuterJoin(ctx.parallelize(b, nb), m).collect());
          const model = a.flatMap(([k, v]) => {
            const ws = b.filter(([k2]) => k2 === k).map(([, w]) => w);
            return ws.length === 0 ? [[k, [v, null]]] : ws.map((w) => [k, [v, w]]);
          });
          expect(multiset(got)).toEqual(multiset(model));
        }),
        { numRuns: runs(40) },
      );
    });
  });

  it('rightOuterJoin(other) keeps unmatched right records with null on the left', async () => {
    await withContext(async (ctx) => {
      await fc.assert(
        fc.asyncProperty(pairListPair, partitions, partitions, fc.option(partitions, { nil: undefined }), async ([a, b], na, nb, m) => {
          const got = await settle(ctx, ctx.parallelize(a, na).rightOuterJoin(ctx.parallelize(b, nb), m).collect());
          const model = b.flatMap(([k, w]) => {
            const vs = a.filter(([k2]) => k2 === k).map(([, v]) => v);
            return vs.length === 0 ? [[k, [null, w]]] : vs.map((v) => [k, [v, w]]);
          });
          expect(multiset(got)).toEqual(multiset(model));
        }),
        { numRuns: runs(40) },
      );
    });
  });

  it('fullOuterJoin(other) keeps unmatched records of both sides with null for the missing side', async () => {
    await withContext(async (ctx) => {
      await fc.assert(
        fc.asyncProperty(pairListPair, partitions, partitions, fc.option(partitions, { nil: undefined }), async ([a, b], na, nb, m) => {
          const got = await settle(ctx, ctx.parallelize(a, na).fullOuterJoin(ctx.parallelize(b, nb), m).collect());
          const bKeys = new Set(b.map((p) => p[0]));
          const aKeys = new Set(a.map((p) => p[0]));
          const model = [
            ...a.flatMap(([k, v]) => (bKeys.has(k) ? b.filter(([k2]) => k2 === k).map(([, w]) => [k, [v, w]]) : [[k, [v, null]]])),
            ...b.filter(([k]) => !aKeys.has(k)).map(([k, w]) => [k, [null, w]]),
          ];
          expect(multiset(got)).toEqual(multiset(model));
        }),
        { numRuns: runs(40) },
      );
    });
  });

  it('cogroup(other) gives every key of either side both value lists (empty when absent)', async () => {
    await withContext(async (ctx) => {
      await fc.assert(
        fc.asyncProperty(pairListPair, partitions, partitions, fc.option(partitions, { nil: undefined }), async ([a, b], na, nb, m) => {
          const got = await settle(ctx, ctx.parallelize(a, na).cogroup(ctx.parallelize(b, nb), m).collect());
          const keys = distinctOf([...a, ...b].map((p) => p[0]));
          const valuesOf = (side: Pair[], k: Key): number[] => side.filter(([k2]) => k2 === k).map(([, v]) => v).sort(byNumber);
          const model = keys.map((k) => [k, [valuesOf(a, k), valuesOf(b, k)]]);
          const canonical = got.map(([k, [vs, ws]]) => [k, [[...vs].sort(byNumber), [...ws].sort(byNumber)]]);
          expect(multiset(canonical)).toEqual(multiset(model));
        }),
        { numRuns: runs(40) },
      );
    });
  });

  it('join of RDDs already placed by the partitioner (read without a shuffle) matches the model', async () => {
    await withContext(async (ctx) => {
      await fc.assert(
        fc.asyncProperty(pairListPair, partitions, partitions, partitions, fc.boolean(), async ([a, b], na, nb, m, bothPlaced) => {
          const left = ctx.parallelize(a, na).partitionBy(m);
          const right = bothPlaced ? ctx.parallelize(b, nb).partitionBy(m) : ctx.parallelize(b, nb);
          const joined = left.join(right, m);
          expect(joined.getNumPartitions()).toBe(m);
          const got = await settle(ctx, joined.collect());
          const model = a.flatMap(([k, v]) => b.filter(([k2]) => k2 === k).map(([, w]) => [k, [v, w]]));
          expect(multiset(got)).toEqual(multiset(model));
        }),
        { numRuns: runs(40) },
      );
    });
  });

  it('tuple keys are compared by value: reduceByKey and distinct over [number, string] keys', async () => {
    await withContext(async (ctx) => {
      await fc.assert(
        fc.asyncProperty(fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.constantFrom('x', 'y'), smallInt), { maxLength: 40, size: 'medium' }), partitions, partitions, async (rows, n, m) => {
          const pairs = rows.map(([i, s, v]) => [[i, s], v] as [[number, string], number]);
          const sums = await settle(ctx, ctx.parallelize(pairs, n).reduceByKey(add, m).collect());
          const model = new Map<string, number>();
          for (const [[i, s], v] of pairs) model.set(JSON.stringify([i, s]), (model.get(JSON.stringify([i, s])) ?? 0) + v);
          expect(multiset(sums)).toEqual(multiset([...model.entries()].map(([k, v]) => [JSON.parse(k), v])));
          const keys = await settle(ctx, ctx.parallelize(pairs.map((p) => p[0]), n).distinct(m).collect());
          expect(multiset(keys)).toEqual([...model.keys()].sort());
        }),
        { numRuns: runs(40) },
      );
    });
  });

  it('subtract(other) keeps the records (with duplicates) whose value is absent from other', async () => {
    await withContext(async (ctx) => {
      await fc.assert(
        fc.asyncProperty(intList, partitions, intList, partitions, fc.option(partitions, { nil: undefined }), async (a, na, b, nb, m) => {
          const got = await settle(ctx, ctx.parallelize(a, na).subtract(ctx.parallelize(b, nb), m).collect());
          const drop = new Set(b);
          expect(multiset(got)).toEqual(multiset(a.filter((x) => !drop.has(x))));
        }),
        { numRuns: runs(40) },
      );
    });
  });

  it('intersection(other) returns each value present on both sides once', async () => {
    await withContext(async (ctx) => {
      await fc.assert(
        fc.asyncProperty(intList, partitions, intList, partitions, fc.option(partitions, { nil: undefined }), async (a, na, b, nb, m) => {
          const got = await settle(ctx, ctx.parallelize(a, na).intersection(ctx.parallelize(b, nb), m).collect());
          const inB = new Set(b);
          expect(multiset(got)).toEqual(multiset(distinctOf(a.filter((x) => inB.has(x)))));
        }),
        { numRuns: runs(40) },
      );
    });
  });

  it('repartition(m) and coalesce(m, true) keep the multiset in exactly m partitions', async () => {
    await withContext(async (ctx) => {
      await fc.assert(
        fc.asyncProperty(intList, partitions, partitions, async (data, n, m) => {
          const rdd = ctx.parallelize(data, n);
          for (const shuffled of [rdd.repartition(m), rdd.coalesce(m, true)]) {
            expect(shuffled.getNumPartitions()).toBe(m);
            const parts = await settle(ctx, shuffled.glom().collect());
            expect(parts).toHaveLength(m);
            expect(multiset(parts.flat())).toEqual(multiset(data));
          }
        }),
        { numRuns: runs(40) },
      );
    });
  });

  it('repartition(m) leaves no partition empty when an input partition holds at least m records', async () => {
    await withContext(async (ctx) => {
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 1, max: 4 }), partitions, fc.integer({ min: 0, max: 10 }), async (p, m, extra) => {
          const data = Array.from({ length: p * m + extra }, (_, i) => i);
          for (const shuffled of [ctx.parallelize(data, p).repartition(m), ctx.parallelize(data, p).coalesce(m, true)]) {
            const sizes = (await settle(ctx, shuffled.glom().collect())).map((part) => part.length);
            expect(sizes.every((s) => s > 0)).toBe(true);
            expect(sizes.reduce(add, 0)).toBe(data.length);
          }
        }),
        { numRuns: runs(25) },
      );
    });
  });

  it('repartition(20) and coalesce(20, true) of 1000 records in 2 partitions leave no partition empty', async () => {
    await withContext(async (ctx) => {
      const data = Array.from({ length: 1000 }, (_, i) => i);
      for (const shuffled of [ctx.parallelize(data, 2).repartition(20), ctx.parallelize(data, 2).coalesce(20, true)]) {
        const parts = await settle(ctx, shuffled.glom().collect());
        expect(parts).toHaveLength(20);
        expect(parts.every((p) => p.length > 0)).toBe(true);
        expect(parts.flat().sort(byNumber)).toEqual(data);
      }
    });
  });

  it('shuffle outputs of non-empty data are reusable: a second action on the same RDD gives the same multiset', async () => {
    await withContext(async (ctx) => {
      await fc.assert(
        fc.asyncProperty(nonEmptyIntList, partitions, partitions, async (data, n, m) => {
          const counts = ctx
            .parallelize(data, n)
            .map((x) => [x, 1] as [number, number])
            .reduceByKey(add, m);
          const first = await settle(ctx, counts.collect());
          const second = await settle(ctx, counts.collect());
          expect(multiset(second)).toEqual(multiset(first));
          expect(first.map((p) => p[1]).reduce(add, 0)).toBe(data.length);
        }),
        { numRuns: runs(25) },
      );
    });
  });
});

describe('empty inputs and cached parents', () => {
  it('transformations of emptyRDD() and of parallelize([], n) produce no records', async () => {
    await withContext(async (ctx) => {
      await fc.assert(
        fc.asyncProperty(partitions, partitions, intList, async (n, m, other) => {
          for (const empty of [ctx.emptyRDD<number>(), ctx.parallelize<number>([], n)]) {
            const p = empty.getNumPartitions();
            const pairs = empty.map((x) => [x, x] as [number, number]);
            const nothing: Array<RDD<unknown>> = [
              empty.map((x) => x + 1),
              empty.filter(() => true),
              empty.flatMap((x) => [x, x]),
              empty.distinct(),
              empty.sortBy((x) => x, true, m),
              empty.sortBy((x) => x, false),
              empty.repartition(m),
              empty.coalesce(m),
              empty.zipWithIndex(),
              empty.zipWithUniqueId(),
              empty.cartesian(ctx.parallelize(other, m)),
              pairs.reduceByKey(add),
              pairs.groupByKey(m),
              pairs.join(ctx.parallelize(other.map((x) => [x, x] as [number, number]), m)),
              empty.subtract(ctx.parallelize(other, m)),
              empty.intersection(ctx.parallelize(other, m)),
            ];
            for (const rdd of nothing) expect(await settle(ctx, rdd.collect())).toEqual([]);
            expect(await settle(ctx, empty.glom().collect())).toEqual(Array.from({ length: p }, () => []));
            expect(await settle(ctx, empty.union(ctx.parallelize(other, m)).collect())).toEqual(other);
            expect(await settle(ctx, ctx.parallelize(other, m).union(empty).collect())).toEqual(other);
            const outer = await settle(ctx, ctx.parallelize(other.map((x) => [x, x] as [number, number]), m).leftOuterJoin(pairs).collect());
            expect(multiset(outer)).toEqual(multiset(other.map((x) => [x, [x, null]])));
          }
        }),
        { numRuns: runs(15) },
      );
    });
  });

  it('cache() changes no result: actions on a cached RDD and on RDDs built over it match the model', async () => {
    await withContext(async (ctx) => {
      await fc.assert(
        fc.asyncProperty(intList, partitions, partitions, async (data, n, m) => {
          const cached = ctx
            .parallelize(data, n)
            .map((x) => x * 2)
            .cache();
          const model = data.map((x) => x * 2);
          expect(await settle(ctx, cached.collect())).toEqual(model);
          expect(await settle(ctx, cached.collect())).toEqual(model);
          expect(await settle(ctx, cached.filter((x) => x > 0).collect())).toEqual(model.filter((x) => x > 0));
          const sums = await settle(ctx, cached.map((x) => [x % 3, x] as [number, number]).reduceByKey(add, m).collect());
          expect(multiset(sums)).toEqual(multiset([...groupPairs(model.map((x) => [x % 3, x] as [number, number])).entries()].map(([k, vs]) => [k, vs.reduce(add)])));
          expect(await settle(ctx, cached.glom().collect())).toEqual(slices(model, n));
        }),
        { numRuns: runs(30) },
      );
    });
  });
});
