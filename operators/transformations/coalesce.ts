/**
 * coalesce without a shuffle: narrow; new partition i is the concatenation of the contiguous
 * parent partitions [floor(i*P/n), floor((i+1)*P/n)) (Spark's DefaultPartitionCoalescer without
 * locality). It can only reduce the number of partitions. Layer: operators. Runs in: driver (plan)
 * and tasks (kernel).
 */
import { makeNode, narrow, type PlanContext, type PlanNode } from '../../src/rdd/plan-node.js';
import { computePartition } from '../compute.js';
import { registerOperator } from '../registry.js';

/**
 * A CoalescedRDD of `numPartitions` (at most the parent's count) partitions.
 *
 * @example
 * ```ts
 * coalesceNode(ctx, ctx.range(0, 10, 1, 5).node, 2, callSite('coalesce')).args.groups // [[0, 1], [2, 3, 4]]
 * coalesceNode(ctx, ctx.range(0, 10, 1, 2).node, 8, callSite('coalesce')).numPartitions // 2
 * ```
 */
export function coalesceNode(plan: PlanContext, parent: PlanNode, numPartitions: number, callSite: string): PlanNode {
  const p = parent.numPartitions;
  const n = Math.min(numPartitions, p);
  const groups: number[][] = [];
  for (let i = 0; i < n; i++) {
    const group: number[] = [];
    for (let j = Math.floor((i * p) / n); j < Math.floor(((i + 1) * p) / n); j++) group.push(j);
    groups.push(group);
  }
  return makeNode(plan, { kind: 'coalesce', className: 'CoalescedRDD', numPartitions: n, deps: [narrow(parent)], args: { groups }, callSite });
}

registerOperator({
  kind: 'coalesce',
  elementWise: false,
  compute(node, split, tc) {
    const parent = (node.deps[0] as { parent: PlanNode }).parent;
    const out: unknown[] = [];
    for (const j of (node.args.groups as number[][])[split] as number[]) {
      const records = computePartition(parent, j, tc);
      for (let i = 0; i < records.length; i++) out.push(records[i]);
    }
    return out;
  },
  narrowParents: (node, split) => ((node.args.groups as number[][])[split] as number[]).map((j) => [0, j] as const),
});
