/**
 * RDD: the fluent, typed facade over a plan node. Transformations build new plan nodes and return
 * new RDDs at once (nothing runs); actions run jobs through the Context and return Promises.
 * Key-value methods (`this: RDD<[K, V]>`) and numeric methods (`this: RDD<number>`) are here too,
 * in place of Spark's PairRDDFunctions and DoubleRDDFunctions. Layer: context. Runs in: driver.
 */
import { callSite, withOperationName } from '../core/call-site.js';
import { cloneValue } from '../core/clone.js';
import { EmptyRDDError, IllegalArgumentError, require } from '../core/errors.js';
import { defaultCompare, KeyMap } from '../core/keys.js';
import { randomSeed, SeededRandom } from '../core/random.js';
import { StatCounter } from '../core/stat-counter.js';
import { CustomPartitioner, HashPartitioner, RangePartitioner, type Partitioner } from '../rdd/partitioner.js';
import type { Aggregator, PlanNode } from '../rdd/plan-node.js';
import { StorageLevel } from '../rdd/storage-level.js';
import { collectPartition, foldPartition, type ResultFunction } from '../../operators/shared/result-function.js';
import { cartesianNode } from '../../operators/transformations/cartesian.js';
import { coalesceNode } from '../../operators/transformations/coalesce.js';
import { cogroupNode } from '../../operators/transformations/cogroup.js';
import { elementNode, requireFunction } from '../../operators/transformations/map-like.js';
import { glomNode, mapPartitionsNode } from '../../operators/transformations/map-partitions.js';
import { splitBounds, splitNode } from '../../operators/transformations/random-split.js';
import { checkSampleArguments, sampleNode } from '../../operators/transformations/sample.js';
import { shuffledNode } from '../../operators/transformations/shuffled.js';
import { unionNode } from '../../operators/transformations/union.js';
import { zipNode } from '../../operators/transformations/zip.js';
import { zipWithIndexNode, zipWithUniqueIdNode } from '../../operators/transformations/zip-with-index.js';
import { bucketCounter, checkBuckets, closeLastBucket, evenlySpaced } from './actions/histogram.js';
import { abort, commit, temporaryDir, writePartFiles } from './actions/save.js';
import { fractionForSampleSize, MAX_SAMPLE_SIZE } from './actions/take-sample.js';
import type { ActionOptions, Context } from './context.js';
import { debugString } from './debug-string.js';
import { NOT_SERIALIZABLE } from '../core/not-serializable.js';
import { checkShippable } from '../../scheduler/backend/plan-encoder.js';

const EMPTY = Symbol.for('squall.rdd.empty');

// Fold steps shared by every job, so the fused loop's call site sees one function across jobs
// (a fresh closure per action would make V8 throw away the loop's optimised code each time).
const countStep = (acc: number): number => acc + 1;
const sumStep = (acc: number, x: unknown): number => acc + (x as number);
const statsStep = (s: unknown, x: unknown): StatCounter => (s as StatCounter).merge(x as number);
const newStatCounter = (): StatCounter => new StatCounter();
const statsToData = (s: unknown): ReturnType<StatCounter['toJSON']> => (s as StatCounter).toJSON();
const newKeyMap = (): KeyMap<number> => new KeyMap<number>();
const countValueStep = (m: unknown, x: unknown): KeyMap<number> => {
  const counts = m as KeyMap<number>;
  counts.set(x, (counts.get(x) ?? 0) + 1);
  return counts;
};
const zeroNumber = (): number => 0;

function requirePartitions(n: unknown, what: string): asserts n is number {
  require(Number.isInteger(n) && (n as number) > 0, () => `${what}: number of partitions must be a positive integer, got ${String(n)}.`);
}

/**
 * A Resilient Distributed Dataset: an immutable, partitioned collection defined by its lineage.
 *
 * @example
 * ```ts
 * const words = ctx.parallelize(['a', 'b', 'a']);
 * const counts = words.map((w) => [w, 1] as [string, number]).reduceByKey((a, b) => a + b);
 * await counts.collectAsMap() // Map { 'a' => 2, 'b' => 1 }
 * ```
 */
export class RDD<T> {
  /** @internal */
  constructor(
    readonly context: Context,
    /** @internal The plan node this RDD wraps. */
    readonly node: PlanNode,
  ) {
    // An RDD can only be used on the driver: capturing one in a shipped function is refused.
    Object.defineProperty(this, NOT_SERIALIZABLE, { value: true });
  }

  private wrap<U>(node: PlanNode): RDD<U> {
    // Functions that cannot travel to an executor fail here, at the transformation's call.
    if (this.context.shipsClosures) checkShippable(node);
    return new RDD<U>(this.context, node);
  }

  private checkSame(other: RDD<unknown>, operation: string): void {
    require(other instanceof RDD, () => `${operation} needs an RDD, got ${String(other)}.`);
    require(other.context === this.context, `${operation}: both RDDs must belong to the same Context.`);
  }

  /** Default partitioner for shuffles over these RDDs (Spark's defaultPartitioner). */
  private defaultPartitioner(others: ReadonlyArray<RDD<unknown>>, numPartitions?: number): Partitioner {
    if (numPartitions !== undefined) {
      requirePartitions(numPartitions, 'shuffle');
      return new HashPartitioner(numPartitions);
    }
    const all = [this as RDD<unknown>, ...others];
    const widest = Math.max(...all.map((r) => r.node.numPartitions));
    const existing = all.map((r) => r.node.partitioner).filter((p): p is Partitioner => p !== undefined && p.numPartitions >= widest);
    if (existing.length > 0) return existing[0] as Partitioner;
    return new HashPartitioner(this.context.parallelismIsSet ? this.context.defaultParallelism : Math.max(widest, 1));
  }

  // ---- metadata -------------------------------------------------------------------------------

  /** This RDD's id, unique within its Context. @example `rdd.id` */
  get id(): number {
    return this.node.id;
  }

  /** The partitioner, when the RDD's keys are placed by one. @example `rdd.partitionBy(4).partitioner?.numPartitions // 4` */
  get partitioner(): Partitioner | undefined {
    return this.node.partitioner;
  }

  /** The number of partitions. @example `ctx.parallelize([1, 2, 3], 2).getNumPartitions() // 2` */
  getNumPartitions(): number {
    return this.node.numPartitions;
  }

  /** Names the RDD (shown by toDebugString and the UI); returns this. @example `rdd.setName('clean')` */
  setName(name: string): this {
    this.node.name = name;
    return this;
  }

  /** The name given by setName. @example `rdd.setName('x').name() // 'x'` */
  name(): string | undefined {
    return this.node.name;
  }

  /** The storage level set by persist. @example `rdd.cache().getStorageLevel() === StorageLevel.MEMORY_ONLY` */
  getStorageLevel(): StorageLevel {
    return this.node.storageLevel;
  }

  /**
   * Keeps partitions in executors' block stores once an action computes them (lazy). A level cannot
   * be changed once set, unless the RDD is unpersisted first.
   *
   * @example
   * ```ts
   * const cleaned = rdd.map(parse).persist(StorageLevel.MEMORY_ONLY_SER);
   * ```
   */
  persist(level: StorageLevel = StorageLevel.MEMORY_ONLY): this {
    require(level instanceof StorageLevel, () => `persist needs a StorageLevel, got ${String(level)}.`);
    const current = this.node.storageLevel;
    if (current.isValid && current !== level) {
      throw new IllegalArgumentError(
        `Cannot change storage level of an RDD after it was already assigned a level (RDD ${this.id} has ${current.name}, asked for ${level.name}). Call unpersist() first.`,
      );
    }
    this.node.storageLevel = level;
    return this;
  }

  /** persist(MEMORY_ONLY). @example `const hot = rdd.cache()` */
  cache(): this {
    return this.persist(StorageLevel.MEMORY_ONLY);
  }

  /** Drops cached partitions and resets the level to NONE. @example `rdd.unpersist()` */
  unpersist(): this {
    this.node.storageLevel = StorageLevel.NONE;
    this.context.removeRddBlocks(this.node);
    return this;
  }

  /**
   * The lineage in Spark's format.
   *
   * @example
   * ```ts
   * console.log(rdd.map(f).reduceByKey(g).toDebugString());
   * // (2) MapPartitionsRDD[4] at ... []
   * //  |  ShuffledRDD[3] at reduceByKey at ... []
   * //  +-(2) ...
   * ```
   */
  toDebugString(): string {
    return debugString(this.node, (n) => this.context.cachedPartitions(n));
  }

  /** Spark's short description of an RDD. @example `String(ctx.parallelize([1]).setName('nums')) // 'nums ParallelCollectionRDD[0] at parallelize at job.ts:3'` */
  toString(): string {
    return `${this.node.name !== undefined ? `${this.node.name} ` : ''}${this.node.className}[${this.node.id}] at ${this.node.callSite}`;
  }

  // ---- narrow transformations -----------------------------------------------------------------

  /** One output per record. @example `ctx.parallelize([1, 2]).map((x) => x * 10) // [10, 20]` */
  map<U>(f: (value: T) => U, preservesPartitioning = false): RDD<U> {
    return this.wrap(elementNode(this.context, this.node, 'map', f, callSite('map'), preservesPartitioning));
  }

  /** Zero or more outputs per record. @example `ctx.parallelize(['a b']).flatMap((s) => s.split(' ')) // ['a', 'b']` */
  flatMap<U>(f: (value: T) => Iterable<U>, preservesPartitioning = false): RDD<U> {
    return this.wrap(elementNode(this.context, this.node, 'flatMap', f, callSite('flatMap'), preservesPartitioning));
  }

  /** The records for which `f` is true. @example `ctx.range(6).filter((x) => x % 2 === 0) // [0, 2, 4]` */
  filter(f: (value: T) => unknown): RDD<T> {
    return this.wrap(elementNode(this.context, this.node, 'filter', f, callSite('filter')));
  }

  /** `f` over each partition's iterator. @example `ctx.parallelize([1, 2, 3, 4], 2).mapPartitions((it) => [[...it].length]) // [2, 2]` */
  mapPartitions<U>(f: (records: IterableIterator<T>) => Iterable<U>, preservesPartitioning = false): RDD<U> {
    return this.wrap(mapPartitionsNode(this.context, this.node, f as never, false, preservesPartitioning, callSite('mapPartitions')));
  }

  /** `f(partitionIndex, iterator)` over each partition. @example `rdd.mapPartitionsWithIndex((i, it) => [i]) // [0, 1, ...]` */
  mapPartitionsWithIndex<U>(f: (index: number, records: IterableIterator<T>) => Iterable<U>, preservesPartitioning = false): RDD<U> {
    return this.wrap(mapPartitionsNode(this.context, this.node, f as never, true, preservesPartitioning, callSite('mapPartitionsWithIndex')));
  }

  /** One array per partition. @example `ctx.parallelize([1, 2, 3], 2).glom() // [[1], [2, 3]]` */
  glom(): RDD<T[]> {
    return this.wrap(glomNode(this.context, this.node, callSite('glom')));
  }

  /**
   * A random sample: each record kept with probability `fraction` (without replacement) or
   * emitted Poisson(fraction) times (with replacement). Deterministic for a seed.
   *
   * @example
   * ```ts
   * ctx.range(100).sample(false, 0.1, 42) // about 10 records, the same ones every time
   * ```
   */
  sample(withReplacement: boolean, fraction: number, seed?: number): RDD<T> {
    checkSampleArguments(withReplacement, fraction, seed);
    return this.wrap(sampleNode(this.context, this.node, withReplacement, fraction, seed ?? randomSeed(), callSite('sample')));
  }

  /**
   * Splits the RDD by weights; the splits are disjoint and together hold every record (for a
   * parent whose partitions are deterministic).
   *
   * @example
   * ```ts
   * const [train, test] = ctx.range(500, undefined, 1, 1).randomSplit([2, 3], 17);
   * ```
   */
  randomSplit(weights: readonly number[], seed?: number): Array<RDD<T>> {
    const bounds = splitBounds(weights);
    require(seed === undefined || (Number.isInteger(seed) && seed >= 0), () => `randomSplit's seed must be a non-negative integer, got ${String(seed)}.`);
    const s = seed ?? randomSeed();
    const site = callSite('randomSplit');
    return weights.map((_, i) => this.wrap<T>(splitNode(this.context, this.node, bounds[i] as number, bounds[i + 1] as number, s, site)));
  }

  /** All records of both RDDs (duplicates kept). @example `a.union(b)` */
  union(other: RDD<T>): RDD<T> {
    this.checkSame(other as RDD<unknown>, 'union');
    return this.wrap(unionNode(this.context, [this.node, other.node], callSite('union')));
  }

  /** Pairs the i-th records of two RDDs with equal partitioning. @example `a.zip(b) // [[a0, b0], ...]` */
  zip<U>(other: RDD<U>): RDD<[T, U]> {
    this.checkSame(other as RDD<unknown>, 'zip');
    return this.wrap(zipNode(this.context, this.node, other.node, callSite('zip')));
  }

  /** `[record, index]` with consecutive indices (runs a count job first if there are several partitions). @example `ctx.parallelize(['a', 'b']).zipWithIndex() // [['a', 0], ['b', 1]]` */
  zipWithIndex(): RDD<[T, number]> {
    return this.wrap(zipWithIndexNode(this.context, this.node, callSite('zipWithIndex')));
  }

  /** `[record, i*n + k]` for record i of partition k of n; no job. @example `rdd.zipWithUniqueId()` */
  zipWithUniqueId(): RDD<[T, number]> {
    return this.wrap(zipWithUniqueIdNode(this.context, this.node, callSite('zipWithUniqueId')));
  }

  /** `[f(record), record]`. @example `ctx.parallelize([1, 2]).keyBy((x) => x % 2) // [[1, 1], [0, 2]]` */
  keyBy<K>(f: (value: T) => K): RDD<[K, T]> {
    requireFunction(f, 'keyBy');
    return this.wrap(elementNode(this.context, this.node, 'map', (x: T) => [f(x), x], callSite('keyBy')));
  }

  /** Every pair of records. @example `ctx.parallelize([1, 2]).cartesian(ctx.parallelize(['a']))` */
  cartesian<U>(other: RDD<U>): RDD<[T, U]> {
    this.checkSame(other as RDD<unknown>, 'cartesian');
    return this.wrap(cartesianNode(this.context, this.node, other.node, callSite('cartesian')));
  }

  /**
   * Fewer partitions: without a shuffle, contiguous parent partitions are merged; with one, records
   * are dealt round-robin (and the count may grow).
   *
   * @example
   * ```ts
   * ctx.range(100, undefined, 1, 10).coalesce(2).getNumPartitions() // 2
   * ```
   */
  coalesce(numPartitions: number, shuffle = false): RDD<T> {
    requirePartitions(numPartitions, 'coalesce');
    if (shuffle) return this.repartitionWith(numPartitions, callSite('coalesce'));
    return this.wrap(coalesceNode(this.context, this.node, numPartitions, callSite('coalesce')));
  }

  /** `numPartitions` partitions by a round-robin shuffle. @example `rdd.repartition(20)` */
  repartition(numPartitions: number): RDD<T> {
    requirePartitions(numPartitions, 'repartition');
    return this.repartitionWith(numPartitions, callSite('repartition'));
  }

  private repartitionWith(numPartitions: number, site: string): RDD<T> {
    return this.wrap(shuffledNode(this.context, this.node, { partitioner: new HashPartitioner(numPartitions), keyed: false, callSite: site }));
  }

  /** Distinct records. @example `ctx.parallelize([1, 1, 2]).distinct() // [1, 2] in some order` */
  distinct(numPartitions?: number): RDD<T> {
    return withOperationName('distinct', () => {
      return this.map((x) => [x, null] as [T, null])
        .reduceByKey((a) => a, numPartitions)
        .map((kv) => kv[0]);
    });
  }

  /** Groups records by `f(record)`. @example `ctx.range(4).groupBy((x) => x % 2) // [[0, [0, 2]], [1, [1, 3]]]` */
  groupBy<K>(f: (value: T) => K, numPartitions?: number): RDD<[K, T[]]> {
    return withOperationName('groupBy', () => {
      return this.keyBy(f).groupByKey(numPartitions);
    });
  }

  /** Sorts by `f(record)`. @example `ctx.parallelize([3, 1, 2]).sortBy((x) => x) // [1, 2, 3]` */
  sortBy<K>(f: (value: T) => K, ascending = true, numPartitions?: number): RDD<T> {
    return withOperationName('sortBy', () => {
      return this.keyBy(f)
        .sortByKey(ascending, numPartitions)
        .map((kv) => kv[1]);
    });
  }

  /** Records of this RDD not in `other` (duplicates of survivors kept). @example `a.subtract(b)` */
  subtract(other: RDD<T>, numPartitions?: number): RDD<T> {
    return withOperationName('subtract', () => {
      this.checkSame(other as RDD<unknown>, 'subtract');
      return this.map((x) => [x, true] as [T, boolean])
        .subtractByKey(other.map((x) => [x, true] as [T, boolean]), numPartitions)
        .map((kv) => kv[0]);
    });
  }

  /** Distinct records present in both RDDs. @example `a.intersection(b)` */
  intersection(other: RDD<T>, numPartitions?: number): RDD<T> {
    return withOperationName('intersection', () => {
      this.checkSame(other as RDD<unknown>, 'intersection');
      return this.map((x) => [x, null] as [T, null])
        .cogroup(other.map((x) => [x, null] as [T, null]), numPartitions)
        .filter((kv) => kv[1][0].length > 0 && kv[1][1].length > 0)
        .map((kv) => kv[0]);
    });
  }

  // ---- key-value transformations --------------------------------------------------------------

  /** The keys of a pair RDD. @example `pairs.keys()` */
  keys<K, V>(this: RDD<[K, V]>): RDD<K> {
    return withOperationName('keys', () => {
      return this.map((kv) => kv[0]);
    });
  }

  /** The values of a pair RDD. @example `pairs.values()` */
  values<K, V>(this: RDD<[K, V]>): RDD<V> {
    return withOperationName('values', () => {
      return this.map((kv) => kv[1]);
    });
  }

  /** `f` on each value; keeps the partitioner. @example `pairs.mapValues((v) => v * 2)` */
  mapValues<K, V, U>(this: RDD<[K, V]>, f: (value: V) => U): RDD<[K, U]> {
    return this.wrap(elementNode(this.context, this.node, 'mapValues', f, callSite('mapValues')));
  }

  /** Zero or more values per value; keeps the partitioner. @example `pairs.flatMapValues((v) => [v, v])` */
  flatMapValues<K, V, U>(this: RDD<[K, V]>, f: (value: V) => Iterable<U>): RDD<[K, U]> {
    return this.wrap(elementNode(this.context, this.node, 'flatMapValues', f, callSite('flatMapValues')));
  }

  /**
   * The generic per-key aggregation: `createCombiner` starts a combiner from a value,
   * `mergeValue` adds a value, `mergeCombiners` merges two combiners. Combines map-side.
   *
   * @example
   * ```ts
   * pairs.combineByKey((v) => [v], (c, v) => [...c, v], (a, b) => a.concat(b))
   * ```
   */
  combineByKey<K, V, C>(
    this: RDD<[K, V]>,
    createCombiner: (value: V) => C,
    mergeValue: (combiner: C, value: V) => C,
    mergeCombiners: (a: C, b: C) => C,
    numPartitions?: number,
    partitionFunc?: (key: K) => number,
  ): RDD<[K, C]> {
    return this.combineWith(createCombiner, mergeValue, mergeCombiners, numPartitions, partitionFunc, true, callSite('combineByKey'));
  }

  private combineWith<K, V, C>(
    this: RDD<[K, V]>,
    createCombiner: (value: V) => C,
    mergeValue: (combiner: C, value: V) => C,
    mergeCombiners: (a: C, b: C) => C,
    numPartitions: number | undefined,
    partitionFunc: ((key: K) => number) | undefined,
    mapSideCombine: boolean,
    site: string,
  ): RDD<[K, C]> {
    requireFunction(createCombiner, 'combineByKey', 'createCombiner');
    requireFunction(mergeValue, 'combineByKey', 'mergeValue');
    requireFunction(mergeCombiners, 'combineByKey', 'mergeCombiners');
    const partitioner = this.pairPartitioner(numPartitions, partitionFunc);
    const aggregator: Aggregator = {
      createCombiner: createCombiner as (v: unknown) => unknown,
      mergeValue: mergeValue as (c: unknown, v: unknown) => unknown,
      mergeCombiners: mergeCombiners as (a: unknown, b: unknown) => unknown,
    };
    if (partitioner.equals(this.node.partitioner)) {
      // Already placed by this partitioner: combine inside each partition, no shuffle (as Spark does).
      return this.mapPartitions((records) => {
        const combined = new KeyMap<unknown>();
        for (const [k, v] of records) combined.set(k, combined.has(k) ? aggregator.mergeValue(combined.get(k), v) : aggregator.createCombiner(v));
        return combined.entries() as Array<[K, C]>;
      }, true);
    }
    return this.wrap(shuffledNode(this.context, this.node, { partitioner, aggregator, mapSideCombine, callSite: site }));
  }

  private pairPartitioner(numPartitions: number | undefined, partitionFunc: ((key: never) => number) | undefined): Partitioner {
    if (partitionFunc !== undefined) {
      requireFunction(partitionFunc, 'partitionFunc');
      const n = numPartitions ?? (this.context.parallelismIsSet ? this.context.defaultParallelism : Math.max(this.node.numPartitions, 1));
      requirePartitions(n, 'partitionBy');
      return new CustomPartitioner(n, partitionFunc as (key: unknown) => number);
    }
    return this.defaultPartitioner([], numPartitions);
  }

  /** Merges the values of each key with `f` (map-side too). @example `pairs.reduceByKey((a, b) => a + b)` */
  reduceByKey<K, V>(this: RDD<[K, V]>, f: (a: V, b: V) => V, numPartitions?: number, partitionFunc?: (key: K) => number): RDD<[K, V]> {
    return withOperationName('reduceByKey', () => {
      requireFunction(f, 'reduceByKey');
      return this.combineWith((v: V) => v, f, f, numPartitions, partitionFunc, true, callSite('reduceByKey'));
    });
  }

  /** Folds each key's values from a copy of `zero`. @example `pairs.foldByKey(0, (a, b) => a + b)` */
  foldByKey<K, V>(this: RDD<[K, V]>, zero: V, f: (a: V, b: V) => V, numPartitions?: number, partitionFunc?: (key: K) => number): RDD<[K, V]> {
    return withOperationName('foldByKey', () => {
      requireFunction(f, 'foldByKey');
      return this.combineWith((v: V) => f(cloneValue(zero), v), f, f, numPartitions, partitionFunc, true, callSite('foldByKey'));
    });
  }

  /** Aggregates each key's values: `seqOp` within a partition from a copy of `zero`, `combOp` across. @example `pairs.aggregateByKey(0, (a, v) => a + v, (a, b) => a + b)` */
  aggregateByKey<K, V, U>(
    this: RDD<[K, V]>,
    zero: U,
    seqOp: (acc: U, value: V) => U,
    combOp: (a: U, b: U) => U,
    numPartitions?: number,
    partitionFunc?: (key: K) => number,
  ): RDD<[K, U]> {
    requireFunction(seqOp, 'aggregateByKey', 'seqOp');
    requireFunction(combOp, 'aggregateByKey', 'combOp');
    return this.combineWith((v: V) => seqOp(cloneValue(zero), v), seqOp, combOp, numPartitions, partitionFunc, true, callSite('aggregateByKey'));
  }

  /** Each key with all its values (order within a key unspecified). @example `pairs.groupByKey() // [[k, [v1, v2]], ...]` */
  groupByKey<K, V>(this: RDD<[K, V]>, numPartitions?: number, partitionFunc?: (key: K) => number): RDD<[K, V[]]> {
    return withOperationName('groupByKey', () => {
      return this.combineWith(
        (v: V) => [v],
        (c: V[], v: V) => {
          c.push(v);
          return c;
        },
        (a: V[], b: V[]) => a.concat(b),
        numPartitions,
        partitionFunc,
        false,
        callSite('groupByKey'),
      );
    });
  }

  /** Places records by key (no shuffle if already placed by an equal partitioner). @example `pairs.partitionBy(4)` */
  partitionBy<K, V>(this: RDD<[K, V]>, numPartitions: number, partitionFunc?: (key: K) => number): RDD<[K, V]> {
    requirePartitions(numPartitions, 'partitionBy');
    const partitioner = partitionFunc ? this.pairPartitioner(numPartitions, partitionFunc) : new HashPartitioner(numPartitions);
    if (partitioner.equals(this.node.partitioner)) return this;
    return this.wrap(shuffledNode(this.context, this.node, { partitioner, callSite: callSite('partitionBy') }));
  }

  /**
   * Sorts by key into range partitions. The range bounds are sampled by a job that runs before the
   * first action needing them (Spark runs it when sortByKey is called).
   *
   * @example
   * ```ts
   * await pairs.sortByKey().collect()
   * ```
   */
  sortByKey<K, V>(this: RDD<[K, V]>, ascending = true, numPartitions?: number, keyfunc?: (key: K) => unknown): RDD<[K, V]> {
    const n = numPartitions ?? (this.context.parallelismIsSet ? this.context.defaultParallelism : this.node.numPartitions);
    if (n === 0 && this.node.numPartitions === 0) return this;
    requirePartitions(n, 'sortByKey');
    if (keyfunc !== undefined) requireFunction(keyfunc, 'sortByKey', 'keyfunc');
    const sign = ascending ? 1 : -1;
    const keyOf = keyfunc ?? ((k: K) => k);
    if (n === 1) {
      const single = this.node.numPartitions > 1 ? this.coalesce(1) : this;
      return single.mapPartitions((records) => [...records].sort((a, b) => sign * defaultCompare(keyOf(a[0]), keyOf(b[0]))), true);
    }
    const partitioner = new RangePartitioner(n, ascending, keyfunc as ((key: unknown) => unknown) | undefined);
    return this.wrap(
      shuffledNode(this.context, this.node, {
        partitioner,
        keyOrdering: { ascending, keyfunc: keyfunc as ((key: unknown) => unknown) | undefined },
        callSite: callSite('sortByKey'),
      }),
    );
  }

  /**
   * For each key, the values of this RDD and of `other`.
   *
   * @example
   * ```ts
   * a.cogroup(b) // [[k, [[a values], [b values]]], ...]
   * ```
   */
  cogroup<K, V, W>(this: RDD<[K, V]>, other: RDD<[K, W]>, numPartitions?: number): RDD<[K, [V[], W[]]]> {
    this.checkSame(other as RDD<unknown>, 'cogroup');
    const partitioner = this.defaultPartitioner([other as RDD<unknown>], numPartitions);
    return this.wrap(cogroupNode(this.context, [this.node, other.node], partitioner, callSite('cogroup')));
  }

  /** Inner join on keys. @example `a.join(b) // [[k, [v, w]], ...]` */
  join<K, V, W>(this: RDD<[K, V]>, other: RDD<[K, W]>, numPartitions?: number): RDD<[K, [V, W]]> {
    return withOperationName('join', () => {
      return this.cogroup(other, numPartitions).flatMapValues(([vs, ws]) => vs.flatMap((v) => ws.map((w) => [v, w] as [V, W])));
    });
  }

  /** Left outer join; a missing right value is null. @example `a.leftOuterJoin(b) // [[k, [v, w or null]], ...]` */
  leftOuterJoin<K, V, W>(this: RDD<[K, V]>, other: RDD<[K, W]>, numPartitions?: number): RDD<[K, [V, W | null]]> {
    return withOperationName('leftOuterJoin', () => {
      return this.cogroup(other, numPartitions).flatMapValues(([vs, ws]): Array<[V, W | null]> =>
        vs.flatMap((v) => (ws.length === 0 ? [[v, null]] : ws.map((w): [V, W | null] => [v, w]))),
      );
    });
  }

  /** Right outer join; a missing left value is null. @example `a.rightOuterJoin(b)` */
  rightOuterJoin<K, V, W>(this: RDD<[K, V]>, other: RDD<[K, W]>, numPartitions?: number): RDD<[K, [V | null, W]]> {
    return withOperationName('rightOuterJoin', () => {
      return this.cogroup(other, numPartitions).flatMapValues(([vs, ws]): Array<[V | null, W]> =>
        ws.flatMap((w) => (vs.length === 0 ? [[null, w]] : vs.map((v): [V | null, W] => [v, w]))),
      );
    });
  }

  /** Full outer join; a missing side is null. @example `a.fullOuterJoin(b)` */
  fullOuterJoin<K, V, W>(this: RDD<[K, V]>, other: RDD<[K, W]>, numPartitions?: number): RDD<[K, [V | null, W | null]]> {
    return withOperationName('fullOuterJoin', () => {
      return this.cogroup(other, numPartitions).flatMapValues(([vs, ws]): Array<[V | null, W | null]> => {
        if (vs.length === 0) return ws.map((w): [V | null, W | null] => [null, w]);
        if (ws.length === 0) return vs.map((v): [V | null, W | null] => [v, null]);
        return vs.flatMap((v) => ws.map((w): [V | null, W | null] => [v, w]));
      });
    });
  }

  /** Pairs whose key is not in `other`. @example `a.subtractByKey(b)` */
  subtractByKey<K, V, W>(this: RDD<[K, V]>, other: RDD<[K, W]>, numPartitions?: number): RDD<[K, V]> {
    return withOperationName('subtractByKey', () => {
      return this.cogroup(other, numPartitions)
        .filter((kv) => kv[1][0].length > 0 && kv[1][1].length === 0)
        .flatMapValues((groups) => groups[0]);
    });
  }

  // ---- actions --------------------------------------------------------------------------------

  private run<R>(rf: ResultFunction<R>, options?: ActionOptions, partitions?: readonly number[]): Promise<R[]> {
    return this.context.runJob(this as RDD<unknown>, rf, partitions, { ...options, description: callSite(rf.name) });
  }

  /** Every record, in partition order. @example `await ctx.parallelize([1, 2, 3]).collect() // [1, 2, 3]` */
  async collect(options?: ActionOptions): Promise<T[]> {
    const parts = await this.run(collectPartition(), options);
    return ([] as unknown[]).concat(...parts) as T[];
  }

  /** The number of records. @example `await ctx.range(10).count() // 10` */
  async count(options?: ActionOptions): Promise<number> {
    const parts = await this.run(foldPartition('count', zeroNumber, countStep), options);
    return parts.reduce((a, b) => a + b, 0);
  }

  /**
   * The first `n` records, scanning partitions incrementally: one partition first, then more
   * (up to 4 times as many per round) until enough records are found.
   *
   * @example
   * ```ts
   * await ctx.parallelize(Array.from({ length: 100 }, (_, i) => i), 100).filter((x) => x > 90).take(3) // [91, 92, 93]
   * ```
   */
  async take(n: number, options?: ActionOptions): Promise<T[]> {
    require(Number.isInteger(n) && n >= 0, () => `take(n) needs an integer n >= 0, got ${String(n)}.`);
    const buffer: T[] = [];
    const total = this.node.numPartitions;
    let scanned = 0;
    const scaleUp = 4;
    while (buffer.length < n && scanned < total) {
      let tryParts = 1;
      if (scanned > 0) {
        if (buffer.length === 0) tryParts = scanned * scaleUp;
        else tryParts = Math.min(Math.max(Math.ceil((1.5 * n * scanned) / buffer.length) - scanned, 1), scanned * scaleUp);
      }
      const left = n - buffer.length;
      const parts = Array.from({ length: Math.min(tryParts, total - scanned) }, (_, i) => scanned + i);
      const results = await this.context.runJob(this as RDD<unknown>, collectPartition(left), parts, { ...options, description: callSite('take') });
      for (const r of results) for (const x of r) if (buffer.length < n) buffer.push(x as T);
      scanned += parts.length;
    }
    return buffer;
  }

  /** The first record; rejects with EmptyRDDError on an empty RDD. @example `await ctx.parallelize([5, 6]).first() // 5` */
  async first(options?: ActionOptions): Promise<T> {
    return withOperationName('first', async () => {
      const rs = await this.take(1, options);
      if (rs.length === 0) throw new EmptyRDDError('RDD is empty');
      return rs[0] as T;
    });
  }

  /** True when there is no record. @example `await ctx.parallelize([]).isEmpty() // true` */
  async isEmpty(options?: ActionOptions): Promise<boolean> {
    return withOperationName('isEmpty', async () => {
      return this.node.numPartitions === 0 || (await this.take(1, options)).length === 0;
    });
  }

  /**
   * A random sample of exactly `num` records (fewer if the RDD is smaller and sampling without
   * replacement), deterministic for a seed. Oversamples as Spark does and resamples when short.
   *
   * @example
   * ```ts
   * await ctx.range(10).takeSample(false, 5, 2) // 5 distinct numbers
   * ```
   */
  async takeSample(withReplacement: boolean, num: number, seed?: number, options?: ActionOptions): Promise<T[]> {
    return withOperationName('takeSample', async () => {
      require(typeof withReplacement === 'boolean', () => `takeSample(withReplacement, ...) needs a boolean, got ${String(withReplacement)}.`);
      require(Number.isInteger(num), () => `takeSample's sample size must be an integer, got ${String(num)}.`);
      if (num < 0) throw new IllegalArgumentError(`Sample size cannot be negative: got ${num}.`);
      if (num > MAX_SAMPLE_SIZE) throw new IllegalArgumentError(`Sample size cannot be greater than ${MAX_SAMPLE_SIZE}: got ${num}.`);
      require(seed === undefined || (Number.isInteger(seed) && seed >= 0), () => `takeSample's seed must be a non-negative integer, got ${String(seed)}.`);
      if (num === 0 || this.node.numPartitions === 0) return [];
      const initialCount = await this.count(options);
      if (initialCount === 0) return [];
      let currentSeed = seed ?? randomSeed();
      const rand = new SeededRandom(currentSeed);
      if (!withReplacement && num >= initialCount) return rand.shuffle(await this.collect(options));
      const fraction = fractionForSampleSize(num, initialCount, withReplacement);
      let samples = await this.sample(withReplacement, fraction, currentSeed).collect(options);
      while (samples.length < num) {
        currentSeed = rand.nextSeed();
        samples = await this.sample(withReplacement, fraction, currentSeed).collect(options);
      }
      return rand.shuffle(samples).slice(0, num);
    });
  }

  /** The `n` smallest records (by `key` when given), ascending. @example `await ctx.parallelize([5, 1, 3]).takeOrdered(2) // [1, 3]` */
  takeOrdered(n: number, key?: (value: T) => unknown, options?: ActionOptions): Promise<T[]> {
    return this.firstInOrder('takeOrdered', n, key, 1, options);
  }

  /** The `n` largest records (by `key` when given), descending. @example `await ctx.parallelize([5, 1, 3]).top(2) // [5, 3]` */
  top(n: number, key?: (value: T) => unknown, options?: ActionOptions): Promise<T[]> {
    return this.firstInOrder('top', n, key, -1, options);
  }

  /** The first `n` records in the order `sign * compare(key)`: each partition keeps its first n, the driver merges. */
  private async firstInOrder(name: string, n: number, key: ((value: T) => unknown) | undefined, sign: 1 | -1, options?: ActionOptions): Promise<T[]> {
    require(Number.isInteger(n), () => `${name}(n) needs an integer, got ${String(n)}.`);
    if (n < 0) throw new IllegalArgumentError(`top N cannot be negative: got ${n}.`);
    if (key !== undefined) requireFunction(key, name, 'key');
    if (n === 0 || this.node.numPartitions === 0) return [];
    const compare = key ? (a: T, b: T) => sign * defaultCompare(key(a), key(b)) : (a: T, b: T) => sign * defaultCompare(a, b);
    const first = (records: T[]): T[] => records.sort(compare).slice(0, n);
    const parts = await this.run<T[]>({ name, terminal: { kind: 'array' }, finish: (v) => first(Array.from(v as ArrayLike<T>)) }, options);
    return first(([] as T[]).concat(...parts));
  }

  /** Reduces the records with a commutative, associative `f`; rejects on an empty RDD. @example `await ctx.range(5).reduce((a, b) => a + b) // 10` */
  async reduce(f: (a: T, b: T) => T, options?: ActionOptions): Promise<T> {
    requireFunction(f, 'reduce');
    const parts = await this.run(
      {
        name: 'reduce',
        terminal: { kind: 'fold', zero: () => EMPTY, step: (acc, x) => (acc === EMPTY ? x : f(acc as T, x as T)) },
        // An empty partition answers [] (a symbol could not cross threads).
        finish: (acc): T[] => (acc === EMPTY ? [] : [acc as T]),
      },
      options,
    );
    const values = parts.flat(1) as T[];
    if (values.length === 0) throw new EmptyRDDError('Can not reduce() empty RDD');
    return values.reduce((a, b) => f(a, b));
  }

  /**
   * Folds each partition from a copy of `zero`, then the partition results from another copy (so
   * `zero` is used numPartitions + 1 times).
   *
   * @example
   * ```ts
   * await ctx.parallelize([1, 2, 3], 3).fold(0, (a, b) => a + b) // 6
   * ```
   */
  async fold(zero: T, op: (a: T, b: T) => T, options?: ActionOptions): Promise<T> {
    requireFunction(op, 'fold', 'op');
    const parts = await this.run(foldPartition<T>('fold', () => cloneValue(zero), (acc, x) => op(acc, x as T)), options);
    return parts.reduce((a, b) => op(a, b), cloneValue(zero));
  }

  /** Aggregates: `seqOp` within partitions from copies of `zero`, `combOp` across. @example `await rdd.aggregate(0, (a, x) => a + x, (a, b) => a + b)` */
  async aggregate<U>(zero: U, seqOp: (acc: U, value: T) => U, combOp: (a: U, b: U) => U, options?: ActionOptions): Promise<U> {
    requireFunction(seqOp, 'aggregate', 'seqOp');
    requireFunction(combOp, 'aggregate', 'combOp');
    const parts = await this.run(foldPartition<U>('aggregate', () => cloneValue(zero), (acc, x) => seqOp(acc, x as T)), options);
    return parts.reduce((a, b) => combOp(a, b), cloneValue(zero));
  }

  /**
   * aggregate in a tree: partial results are combined over `depth` levels of reduceByKey shuffles
   * before the driver merges the last few (Spark's treeAggregate).
   *
   * @example
   * ```ts
   * await ctx.parallelize([-5, -4, -3, -2, -1, 1, 2, 3, 4], 10).treeAggregate(0, (a, b) => a + b, (a, b) => a + b) // -5
   * ```
   */
  async treeAggregate<U>(zero: U, seqOp: (acc: U, value: T) => U, combOp: (a: U, b: U) => U, depth = 2, options?: ActionOptions): Promise<U> {
    return withOperationName('treeAggregate', async () => {
      require(Number.isInteger(depth) && depth >= 1, () => `Depth cannot be smaller than 1 but got ${String(depth)}.`);
      requireFunction(seqOp, 'treeAggregate', 'seqOp');
      requireFunction(combOp, 'treeAggregate', 'combOp');
      if (this.node.numPartitions === 0) return cloneValue(zero);
      let partial: RDD<U> = this.mapPartitions((records) => {
        let acc = cloneValue(zero);
        for (const x of records) acc = seqOp(acc, x);
        return [acc];
      });
      let numPartitions = partial.getNumPartitions();
      const scale = Math.max(Math.ceil(Math.pow(numPartitions, 1 / depth)), 2);
      while (numPartitions > scale + Math.ceil(numPartitions / scale)) {
        numPartitions = Math.floor(numPartitions / scale);
        const width = numPartitions;
        partial = partial
          .mapPartitionsWithIndex((i, records) => [...records].map((x) => [i % width, x] as [number, U]))
          .reduceByKey(combOp, width)
          .values();
      }
      return partial.reduce(combOp, options);
    });
  }

  /** treeAggregate's reduce; rejects on an empty RDD. @example `await ctx.range(10, undefined, 1, 10).treeReduce((a, b) => a + b) // 45` */
  async treeReduce(f: (a: T, b: T) => T, depth = 2, options?: ActionOptions): Promise<T> {
    return withOperationName('treeReduce', async () => {
      requireFunction(f, 'treeReduce');
      type Box = [T | null, boolean];
      const op = (x: Box, y: Box): Box => (x[1] ? y : y[1] ? x : [f(x[0] as T, y[0] as T), false]);
      const reduced = await this.map((x) => [x, false] as Box).treeAggregate<Box>([null, true], op, op, depth, options);
      if (reduced[1]) throw new EmptyRDDError('Cannot reduce empty RDD.');
      return reduced[0] as T;
    });
  }

  /** Runs `f` on every record (for side effects, on executors). @example `await rdd.foreach((x) => acc.add(x))` */
  async foreach(f: (value: T) => void, options?: ActionOptions): Promise<void> {
    requireFunction(f, 'foreach');
    await this.run(
      foldPartition('foreach', () => 0, (acc, x) => {
        f(x as T);
        return acc;
      }),
      options,
    );
  }

  /** Runs `f` once per partition with its iterator. @example `await rdd.foreachPartition((it) => db.insertMany([...it]))` */
  async foreachPartition(f: (records: IterableIterator<T>) => void, options?: ActionOptions): Promise<void> {
    requireFunction(f, 'foreachPartition');
    await this.run(
      {
        name: 'foreachPartition',
        terminal: { kind: 'array' },
        finish: (v) => {
          f(Array.prototype[Symbol.iterator].call(v as ArrayLike<T>) as IterableIterator<T>);
          return 0;
        },
      },
      options,
    );
  }

  /** Counts of each distinct record. @example `await ctx.parallelize(['a', 'b', 'a']).countByValue() // Map { 'a' => 2, 'b' => 1 }` */
  async countByValue(options?: ActionOptions): Promise<Map<T, number>> {
    const parts = await this.run<Array<[unknown, number]>>(
      {
        name: 'countByValue',
        terminal: { kind: 'fold', zero: newKeyMap, step: countValueStep },
        // Entries, not the KeyMap itself: partition results cross threads as plain data.
        finish: (m) => (m as KeyMap<number>).entries(),
      },
      options,
    );
    if (parts.length === 0) throw new EmptyRDDError('Can not reduce() empty RDD');
    const merged = new KeyMap<number>();
    for (const part of parts) for (const [k, c] of part) merged.set(k, (merged.get(k) ?? 0) + c);
    return new Map(merged.entries() as Array<[T, number]>);
  }

  /** Number of records per key. @example `await pairs.countByKey() // Map { k => n }` */
  async countByKey<K, V>(this: RDD<[K, V]>, options?: ActionOptions): Promise<Map<K, number>> {
    return withOperationName('countByKey', async () => {
      return this.map((kv) => kv[0]).countByValue(options);
    });
  }

  /** The pairs as a Map (for equal keys the last value wins). @example `await pairs.collectAsMap()` */
  async collectAsMap<K, V>(this: RDD<[K, V]>, options?: ActionOptions): Promise<Map<K, V>> {
    return withOperationName('collectAsMap', async () => {
      const merged = new KeyMap<V>();
      for (const [k, v] of await this.collect(options)) merged.set(k, v);
      return new Map(merged.entries() as Array<[K, V]>);
    });
  }

  /** The values of `key` (one partition scanned when the RDD has a partitioner). @example `await pairs.lookup('a')` */
  async lookup<K, V>(this: RDD<[K, V]>, key: K, options?: ActionOptions): Promise<V[]> {
    return withOperationName('lookup', async () => {
      const matching = this.filter((kv) => defaultCompare(kv[0], key) === 0).map((kv) => kv[1]);
      const partitioner = this.node.partitioner;
      if (partitioner) {
        const parts = await this.context.runJob(matching as RDD<unknown>, collectPartition(), [partitioner.getPartition(key)], {
          ...options,
          description: callSite('lookup'),
        });
        return (parts[0] ?? []) as V[];
      }
      return matching.collect(options);
    });
  }

  /** Statistics of a numeric RDD. @example `(await ctx.parallelize([1, 2, 3]).stats()).mean() // 2` */
  async stats(this: RDD<number>, options?: ActionOptions): Promise<StatCounter> {
    // Partition results cross threads as plain data: a StatCounter travels as its fields.
    const parts = await this.run({ name: 'stats', terminal: { kind: 'fold', zero: newStatCounter, step: statsStep }, finish: statsToData }, options);
    if (parts.length === 0) throw new EmptyRDDError('Can not reduce() empty RDD');
    return parts.map((p) => StatCounter.fromJSON(p)).reduce((a, b) => a.mergeStats(b));
  }

  /** The sum (0 when empty). @example `await ctx.range(5).sum() // 10` */
  async sum(this: RDD<number>, options?: ActionOptions): Promise<number> {
    const parts = await this.run(foldPartition('sum', zeroNumber, sumStep), options);
    return parts.reduce((a, b) => a + b, 0);
  }

  /** The mean. @example `await ctx.parallelize([1, 2, 3, 4]).mean() // 2.5` */
  async mean(this: RDD<number>, options?: ActionOptions): Promise<number> {
    return withOperationName('mean', async () => {
      return (await this.stats(options)).mean();
    });
  }
  /** Population variance. @example `await ctx.parallelize([1, 2, 3, 4]).variance() // 1.25` */
  async variance(this: RDD<number>, options?: ActionOptions): Promise<number> {
    return withOperationName('variance', async () => {
      return (await this.stats(options)).variance();
    });
  }
  /** Population standard deviation. @example `await ctx.parallelize([1, 2, 3, 4]).stdev()` */
  async stdev(this: RDD<number>, options?: ActionOptions): Promise<number> {
    return withOperationName('stdev', async () => {
      return (await this.stats(options)).stdev();
    });
  }
  /** Sample variance (divides by n - 1). @example `await ctx.parallelize([1, 2, 3, 4]).sampleVariance() // 1.666...` */
  async sampleVariance(this: RDD<number>, options?: ActionOptions): Promise<number> {
    return withOperationName('sampleVariance', async () => {
      return (await this.stats(options)).sampleVariance();
    });
  }
  /** Sample standard deviation. @example `await ctx.parallelize([1, 2, 3, 4]).sampleStdev()` */
  async sampleStdev(this: RDD<number>, options?: ActionOptions): Promise<number> {
    return withOperationName('sampleStdev', async () => {
      return (await this.stats(options)).sampleStdev();
    });
  }

  /** The largest record (by `key` when given); rejects when empty. @example `await ctx.parallelize([3, 9, 1]).max() // 9` */
  async max(key?: (value: T) => unknown, options?: ActionOptions): Promise<T> {
    return withOperationName('max', async () => {
      if (key !== undefined) requireFunction(key, 'max', 'key');
      const cmp = key ? (a: T, b: T) => defaultCompare(key(a), key(b)) : (a: T, b: T) => defaultCompare(a, b);
      return this.reduce((a, b) => (cmp(a, b) >= 0 ? a : b), options);
    });
  }

  /** The smallest record (by `key` when given); rejects when empty. @example `await ctx.parallelize([3, 9, 1]).min() // 1` */
  async min(key?: (value: T) => unknown, options?: ActionOptions): Promise<T> {
    return withOperationName('min', async () => {
      if (key !== undefined) requireFunction(key, 'min', 'key');
      const cmp = key ? (a: T, b: T) => defaultCompare(key(a), key(b)) : (a: T, b: T) => defaultCompare(a, b);
      return this.reduce((a, b) => (cmp(a, b) <= 0 ? a : b), options);
    });
  }

  /**
   * Counts per bucket. `buckets` is a number of even buckets between min and max, or sorted
   * boundaries; every bucket is half-open except the last, which is closed.
   *
   * @example
   * ```ts
   * await ctx.parallelize([0, 1, 2, 3, 4, 5]).histogram([0, 2, 4, 5]) // [[0, 2, 4, 5], [2, 2, 2]]
   * ```
   */
  async histogram(buckets: number | readonly unknown[], options?: ActionOptions): Promise<[unknown[], number[]]> {
    return withOperationName('histogram', async () => {
      let boundaries: unknown[];
      let even: boolean;
      if (typeof buckets === 'number') {
        if (!Number.isInteger(buckets) || buckets < 1) throw new IllegalArgumentError(`number of buckets must be >= 1, got ${buckets}.`);
        const clean = this.filter((x) => x !== null && x !== undefined && !(typeof x === 'number' && Number.isNaN(x)));
        // A record that is not a number is reported back rather than thrown: a task that throws
        // would be retried, and the mistake is the caller's, so the action rejects at once.
        type Range = [number, number] | null | { readonly notANumber: unknown };
        const ranges = await clean.run(
          foldPartition<Range>('histogram', () => null, (acc, x) => {
            if (acc !== null && !Array.isArray(acc)) return acc;
            if (typeof x !== 'number') return { notANumber: x };
            return acc === null ? [x, x] : [Math.min(acc[0], x), Math.max(acc[1], x)];
          }),
          options,
        );
        const wrong = ranges.find((m): m is { readonly notANumber: unknown } => m !== null && !Array.isArray(m));
        if (wrong) {
          const x = wrong.notANumber;
          throw new IllegalArgumentError(
            `histogram(${buckets}) can only compute even buckets over numbers, but found ${typeof x} ${JSON.stringify(x)}. Pass explicit, sorted bucket boundaries for other values.`,
          );
        }
        const found = ranges.filter((m): m is [number, number] => Array.isArray(m));
        if (found.length === 0) throw new EmptyRDDError('can not generate buckets from empty RDD');
        const min = Math.min(...found.map((m) => m[0]));
        const max = Math.max(...found.map((m) => m[1]));
        if (min === max || buckets === 1) return [[min, max], [await clean.count(options)]];
        const inc = (max - min) / buckets;
        if (!Number.isFinite(inc)) throw new IllegalArgumentError('Can not generate buckets with infinite value');
        boundaries = Array.from({ length: buckets }, (_, i) => min + i * inc);
        boundaries.push(max);
        even = true;
      } else {
        require(Array.isArray(buckets), () => `histogram needs a number of buckets or an array of boundaries, got ${String(buckets)}.`);
        checkBuckets(buckets);
        boundaries = [...buckets];
        even = evenlySpaced(boundaries);
      }
      const counter = bucketCounter(boundaries, even);
      const parts = await this.run(foldPartition('histogram', counter.zero, counter.step), options);
      const total = new Array<number>(boundaries.length).fill(0);
      for (const p of parts) p.forEach((c, i) => (total[i]! += c));
      return [boundaries, closeLastBucket(total)];
    });
  }

  /**
   * Writes one text file per partition under `path` (a new folder); records become lines.
   * The folder appears only when every partition was written.
   *
   * @example
   * ```ts
   * await rdd.saveAsTextFile('/tmp/out') // /tmp/out/part-00000, ..., /tmp/out/_SUCCESS
   * ```
   */
  async saveAsTextFile(path: string, options?: ActionOptions): Promise<void> {
    await this.saveAs(path, 'text', options);
  }

  /** Writes the records, msgpackr-packed, one file per partition; read back with `ctx.objectFile`. @example `await rdd.saveAsObjectFile('/tmp/objs')` */
  async saveAsObjectFile(path: string, options?: ActionOptions): Promise<void> {
    await this.saveAs(path, 'object', options);
  }

  private async saveAs(path: string, format: 'text' | 'object', options?: ActionOptions): Promise<void> {
    require(typeof path === 'string' && path.length > 0, () => `save needs an output path, got ${String(path)}.`);
    const temp = temporaryDir(path);
    try {
      await this.run(writePartFiles(temp, format), options);
      commit(temp, path);
    } catch (error) {
      abort(temp);
      throw error;
    }
  }
}
