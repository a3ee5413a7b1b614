/**
 * ShuffledRDD: the reduce side of a shuffle. Reads the blocks every map task wrote for this
 * partition and merges them: combine by key (reduceByKey, combineByKey ...), keep every record
 * (partitionBy, repartition), and sort by key when it is a sortByKey. A shuffle is where stages are
 * cut. Layer: operators. Runs in: driver (plan) and tasks (kernel).
 */
import { defaultCompare, KeyMap } from '../../src/core/keys.js';
import { deserialize } from '../../src/core/serializer.js';
import type { Partitioner } from '../../src/rdd/partitioner.js';
import { makeNode, type Aggregator, type PlanContext, type PlanNode, type ShuffleDependency } from '../../src/rdd/plan-node.js';
import { registerOperator } from '../registry.js';
import type { TaskContext } from '../task-context.js';

/** How the reduce side orders each partition's records (sortByKey). */
export interface KeyOrdering {
  readonly ascending: boolean;
  readonly keyfunc?: ((key: unknown) => unknown) | undefined;
}

/**
 * A ShuffledRDD over a new shuffle of `parent`.
 *
 * @example
 * ```ts
 * const node = shuffledNode(ctx, pairs.node, { partitioner: new HashPartitioner(3), callSite: callSite('partitionBy') });
 * node.numPartitions // 3
 * (node.deps[0] as ShuffleDependency).mapSideCombine // false (no aggregator)
 * ```
 */
export function shuffledNode(
  plan: PlanContext,
  parent: PlanNode,
  options: {
    partitioner: Partitioner;
    aggregator?: Aggregator | undefined;
    mapSideCombine?: boolean;
    keyed?: boolean;
    keyOrdering?: KeyOrdering | undefined;
    callSite: string;
  },
): PlanNode {
  const dep: ShuffleDependency = {
    type: 'shuffle',
    parent,
    shuffleId: plan.newShuffleId(),
    partitioner: options.partitioner,
    aggregator: options.aggregator,
    mapSideCombine: options.mapSideCombine ?? options.aggregator !== undefined,
    keyed: options.keyed ?? true,
  };
  return makeNode(plan, {
    kind: 'shuffled',
    className: 'ShuffledRDD',
    numPartitions: options.partitioner.numPartitions,
    deps: [dep],
    // Round-robin output has no key placement to promise.
    partitioner: dep.keyed ? options.partitioner : undefined,
    args: { keyOrdering: options.keyOrdering },
    callSite: options.callSite,
  });
}

/**
 * The records of every block written for `reduceId`, with shuffle-read metrics updated.
 *
 * @example
 * ```ts
 * // inside an operator's compute(node, split, tc)
 * const lists = readShuffle(node.deps[0] as ShuffleDependency, split, tc); // one array of records per block
 * ```
 */
export function readShuffle(dep: ShuffleDependency, reduceId: number, tc: TaskContext): unknown[][] {
  const blocks = tc.readShuffleBlocks(dep, reduceId);
  const lists: unknown[][] = [];
  for (const block of blocks) {
    const records = deserialize<unknown[]>(block);
    tc.metrics.shuffleReadBytes += block.byteLength;
    tc.metrics.shuffleReadRecords += records.length;
    tc.metrics.recordsIn += records.length;
    lists.push(records);
  }
  return lists;
}

function sortByKey(records: unknown[], ordering: KeyOrdering): unknown[] {
  const keyOf = ordering.keyfunc;
  const sign = ordering.ascending ? 1 : -1;
  const keyed = records.map((r) => [keyOf ? keyOf((r as [unknown])[0]) : (r as [unknown])[0], r] as const);
  keyed.sort((a, b) => sign * defaultCompare(a[0], b[0]));
  return keyed.map((k) => k[1]);
}

registerOperator({
  kind: 'shuffled',
  elementWise: false,
  compute(node, split, tc) {
    const dep = node.deps[0] as ShuffleDependency;
    const lists = readShuffle(dep, split, tc);
    let records: unknown[];
    const aggregator = dep.aggregator;
    if (aggregator) {
      const merged = new KeyMap<unknown>();
      for (const list of lists) {
        for (const record of list) {
          const [key, value] = record as [unknown, unknown];
          const had = merged.has(key);
          if (dep.mapSideCombine) merged.set(key, had ? aggregator.mergeCombiners(merged.get(key), value) : value);
          else merged.set(key, had ? aggregator.mergeValue(merged.get(key), value) : aggregator.createCombiner(value));
        }
      }
      records = merged.entries();
    } else {
      records = lists.length === 1 ? (lists[0] as unknown[]) : lists.flat(1);
    }
    const ordering = node.args.keyOrdering as KeyOrdering | undefined;
    return ordering ? sortByKey(records, ordering) : records;
  },
});
