/**
 * cogroup: for each key, the values of every parent RDD (CoGroupedRDD). A parent already placed by
 * the same partitioner is read through a narrow dependency; the others are shuffled. join, the outer
 * joins, subtract and intersection are built on it. Layer: operators. Runs in: driver (plan) and tasks.
 */
import { KeyMap } from '../../src/core/keys.js';
import type { Partitioner } from '../../src/rdd/partitioner.js';
import { makeNode, narrow, type Dependency, type PlanContext, type PlanNode } from '../../src/rdd/plan-node.js';
import { computePartition } from '../compute.js';
import { registerOperator } from '../registry.js';
import { readShuffle } from './shuffled.js';

/**
 * A CoGroupedRDD of `parents` placed by `partitioner`.
 *
 * @example
 * ```ts
 * const a = ctx.parallelize([[1, 'x']], 2), b = ctx.parallelize([[1, 'y']]).partitionBy(2);
 * const node = cogroupNode(ctx, [a.node, b.node], new HashPartitioner(2), callSite('cogroup'));
 * node.deps.map((d) => d.type) // ['shuffle', 'narrow'] (b is already placed by the partitioner)
 * ```
 */
export function cogroupNode(plan: PlanContext, parents: readonly PlanNode[], partitioner: Partitioner, callSite: string): PlanNode {
  const deps: Dependency[] = parents.map((parent) =>
    partitioner.equals(parent.partitioner)
      ? narrow(parent)
      : { type: 'shuffle', parent, shuffleId: plan.newShuffleId(), partitioner, aggregator: undefined, mapSideCombine: false, keyed: true },
  );
  return makeNode(plan, { kind: 'cogroup', className: 'CoGroupedRDD', numPartitions: partitioner.numPartitions, deps, partitioner, callSite });
}

registerOperator({
  kind: 'cogroup',
  elementWise: false,
  compute(node, split, tc) {
    const n = node.deps.length;
    const groups = new KeyMap<unknown[][]>();
    node.deps.forEach((dep, i) => {
      const lists = dep.type === 'narrow' ? [Array.from(computePartition(dep.parent, split, tc))] : readShuffle(dep, split, tc);
      for (const list of lists) {
        for (const record of list) {
          const [key, value] = record as [unknown, unknown];
          let group = groups.get(key);
          if (!group) groups.set(key, (group = Array.from({ length: n }, () => [])));
          (group[i] as unknown[]).push(value);
        }
      }
    });
    return groups.entries();
  },
});
