/**
 * The map side of a shuffle: place each record of a map partition in the bucket of its reduce
 * partition (combining values by key first when the dependency asks for it), then serialise each
 * bucket with msgpackr. Runs as a fold terminal, so no intermediate array is built.
 * Layer: operators. Runs in: driver (in-process) and workers.
 */
import { KeyMap } from '../../src/core/keys.js';
import { SeededRandom } from '../../src/core/random.js';
import { serialize } from '../../src/core/serializer.js';
import type { ShuffleDependency } from '../../src/rdd/plan-node.js';
import type { FoldTerminal } from './terminal.js';

/** Buckets being filled: plain arrays, or KeyMaps of combiners for map-side combine. */
interface Buckets {
  readonly lists: unknown[][] | undefined;
  readonly combiners: KeyMap<unknown>[] | undefined;
  position: number;
}

/** What a shuffle map task hands back: one serialised block per reduce partition. */
export interface ShuffleWriteResult {
  readonly blocks: Uint8Array[];
  readonly records: number;
  readonly bytes: number;
}

/**
 * The fold terminal that buckets map partition `mapIndex`'s records for `dep`.
 *
 * @example
 * ```ts
 * // dep: reduceByKey((a, b) => a + b) over a HashPartitioner(2), map-side combine on
 * const t = shuffleWriteTerminal(dep, 0);
 * let b = t.zero();
 * for (const r of [['a', 1], ['b', 2], ['a', 3]]) b = t.step(b, r);
 * // b.combiners: bucket 0 holds ['b', 2], bucket 1 holds ['a', 4]
 * ```
 */
export function shuffleWriteTerminal(dep: ShuffleDependency, mapIndex: number): FoldTerminal<Buckets> {
  const n = dep.partitioner.numPartitions;
  const partitioner = dep.partitioner;
  const combine = dep.aggregator !== undefined && dep.mapSideCombine ? dep.aggregator : undefined;
  if (!dep.keyed) {
    // Round-robin from a start that depends only on the map partition (Spark's coalesce with shuffle).
    const start = new SeededRandom(mapIndex).nextInt(n);
    return {
      kind: 'fold',
      zero: () => ({ lists: Array.from({ length: n }, () => []), combiners: undefined, position: start }),
      step: (b, record) => {
        b.position += 1;
        (b.lists as unknown[][])[b.position % n]!.push(record);
        return b;
      },
    };
  }
  if (combine) {
    return {
      kind: 'fold',
      zero: () => ({ lists: undefined, combiners: Array.from({ length: n }, () => new KeyMap<unknown>()), position: 0 }),
      step: (b, record) => {
        const [key, value] = record as [unknown, unknown];
        const bucket = (b.combiners as KeyMap<unknown>[])[partitioner.getPartition(key)] as KeyMap<unknown>;
        const existing = bucket.get(key);
        if (existing === undefined && !bucket.has(key)) bucket.set(key, combine.createCombiner(value));
        else bucket.set(key, combine.mergeValue(existing, value));
        return b;
      },
    };
  }
  return {
    kind: 'fold',
    zero: () => ({ lists: Array.from({ length: n }, () => []), combiners: undefined, position: 0 }),
    step: (b, record) => {
      (b.lists as unknown[][])[partitioner.getPartition((record as [unknown, unknown])[0])]!.push(record);
      return b;
    },
  };
}

/**
 * Serialises filled buckets into one block per reduce partition.
 *
 * @example
 * ```ts
 * const { blocks, records, bytes } = finishShuffleWrite(b); // b from shuffleWriteTerminal's example
 * blocks.length // 2 (one per reduce partition)
 * records // 2
 * ```
 */
export function finishShuffleWrite(buckets: Buckets): ShuffleWriteResult {
  const lists = buckets.lists ?? (buckets.combiners as KeyMap<unknown>[]).map((m) => m.entries());
  let records = 0;
  let bytes = 0;
  const blocks = lists.map((list) => {
    records += list.length;
    const block = serialize(list);
    bytes += block.byteLength;
    return block;
  });
  return { blocks, records, bytes };
}
