/**
 * union: narrow; the partitions of every parent one after another (UnionRDD), or, when all parents
 * share one partitioner, partition i of the result is partition i of every parent
 * (PartitionerAwareUnionRDD), which keeps the partitioner. Duplicates are kept.
 * Layer: operators. Runs in: driver (plan) and tasks (kernel).
 */
import { makeNode, narrow, type PlanContext, type PlanNode } from '../../src/rdd/plan-node.js';
import { computePartition } from '../compute.js';
import { registerOperator } from '../registry.js';

/**
 * The union of `parents`.
 *
 * @example
 * ```ts
 * const a = ctx.parallelize([1, 2], 2), b = ctx.parallelize(['x', 'y', 'z'], 3);
 * unionNode(ctx, [a.node, b.node], callSite('union')).args // { offsets: [0, 2] }; numPartitions 5
 * // parents sharing a partitioner give a PartitionerAwareUnionRDD that keeps it
 * ```
 */
export function unionNode(plan: PlanContext, parents: readonly PlanNode[], callSite: string): PlanNode {
  const first = parents[0];
  const partitioner = first?.partitioner;
  if (partitioner && parents.every((p) => partitioner.equals(p.partitioner))) {
    return makeNode(plan, {
      kind: 'partitionerAwareUnion',
      className: 'PartitionerAwareUnionRDD',
      numPartitions: partitioner.numPartitions,
      deps: parents.map(narrow),
      partitioner,
      callSite,
    });
  }
  const offsets: number[] = [];
  let total = 0;
  for (const p of parents) {
    offsets.push(total);
    total += p.numPartitions;
  }
  return makeNode(plan, { kind: 'union', className: 'UnionRDD', numPartitions: total, deps: parents.map(narrow), args: { offsets }, callSite });
}

function locate(node: PlanNode, split: number): [number, number] {
  const offsets = node.args.offsets as number[];
  let dep = offsets.length - 1;
  while ((offsets[dep] as number) > split) dep--;
  return [dep, split - (offsets[dep] as number)];
}

registerOperator({
  kind: 'union',
  elementWise: false,
  compute(node, split, tc) {
    const [dep, parentSplit] = locate(node, split);
    return computePartition((node.deps[dep] as { parent: PlanNode }).parent, parentSplit, tc);
  },
  narrowParents: (node, split) => [locate(node, split)],
});

registerOperator({
  kind: 'partitionerAwareUnion',
  elementWise: false,
  compute(node, split, tc) {
    const out: unknown[] = [];
    for (const dep of node.deps) for (const r of Array.from(computePartition(dep.parent, split, tc))) out.push(r);
    return out;
  },
});
