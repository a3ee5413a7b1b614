/**
 * mapPartitions, mapPartitionsWithIndex and glom: narrow; the function sees a whole partition as an
 * iterator and returns an iterable. The partitioner is dropped unless declared preserved.
 * Layer: operators. Runs in: driver (plan) and tasks (kernel).
 */
import { IllegalArgumentError } from '../../src/core/errors.js';
import { makeNode, narrow, type PlanContext, type PlanNode } from '../../src/rdd/plan-node.js';
import { computePartition } from '../compute.js';
import { registerOperator } from '../registry.js';
import { requireFunction } from './map-like.js';

type PartitionFunction = (index: number, records: IterableIterator<unknown>) => Iterable<unknown>;

/**
 * A MapPartitionsRDD running `fn(index, iterator)` once per partition.
 *
 * @example
 * ```ts
 * const node = mapPartitionsNode(ctx, rdd.node, (it) => [[...it].length], false, false, callSite('mapPartitions'));
 * node.args.withIndex // false
 * ```
 */
export function mapPartitionsNode(
  plan: PlanContext,
  parent: PlanNode,
  fn: PartitionFunction,
  withIndex: boolean,
  preservesPartitioning: boolean,
  callSite: string,
): PlanNode {
  requireFunction(fn, withIndex ? 'mapPartitionsWithIndex' : 'mapPartitions');
  return makeNode(plan, {
    kind: 'mapPartitions',
    className: 'MapPartitionsRDD',
    numPartitions: parent.numPartitions,
    deps: [narrow(parent)],
    partitioner: preservesPartitioning ? parent.partitioner : undefined,
    args: { fn, withIndex },
    callSite,
  });
}

/** An RDD with one array per partition. @example `glomNode(ctx, rdd.node, callSite('glom')).kind // 'glom'` */
export function glomNode(plan: PlanContext, parent: PlanNode, callSite: string): PlanNode {
  return makeNode(plan, { kind: 'glom', className: 'MapPartitionsRDD', numPartitions: parent.numPartitions, deps: [narrow(parent)], callSite });
}

/**
 * Turns whatever a partition function returned into an array, or explains what was wrong.
 *
 * @example
 * ```ts
 * toRecords(new Set([1, 2]), 'The function given to mapPartitions') // [1, 2]
 * toRecords(5, 'The function given to mapPartitions') // throws IllegalArgumentError: ... must return an iterable ...
 * ```
 */
export function toRecords(result: unknown, where: string): ArrayLike<unknown> {
  if (Array.isArray(result) || ArrayBuffer.isView(result)) return result as ArrayLike<unknown>;
  if (result !== null && typeof result === 'object' && Symbol.iterator in result) return Array.from(result as Iterable<unknown>);
  throw new IllegalArgumentError(
    `${where} must return an iterable (an array or a generator), but returned ${result === null ? 'null' : typeof result}. ` +
      'Return an array, e.g. `it => [sum(it)]`, or write a generator function.',
  );
}

registerOperator({
  kind: 'mapPartitions',
  elementWise: false,
  compute(node, split, tc) {
    const parent = (node.deps[0] as { parent: PlanNode }).parent;
    const records = computePartition(parent, split, tc);
    const iterator = Array.prototype[Symbol.iterator].call(records) as IterableIterator<unknown>;
    const fn = node.args.fn as PartitionFunction & ((it: IterableIterator<unknown>) => Iterable<unknown>);
    const result = node.args.withIndex ? fn(split, iterator) : fn(iterator);
    return toRecords(result, node.args.withIndex ? 'The function given to mapPartitionsWithIndex' : 'The function given to mapPartitions');
  },
});

registerOperator({
  kind: 'glom',
  elementWise: false,
  compute(node, split, tc) {
    const parent = (node.deps[0] as { parent: PlanNode }).parent;
    return [Array.from(computePartition(parent, split, tc))];
  },
});
