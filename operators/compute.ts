/**
 * Computing one partition of an RDD inside a task (Spark's RDD.iterator / compute): use the cached
 * block if there is one, otherwise fuse the chain of element-wise RDDs above this one into one loop
 * over the partition of the first RDD that is not element-wise.
 * Layer: operators. Runs in: driver (in-process) and workers.
 */
import type { PlanNode } from '../src/rdd/plan-node.js';
import { operatorFor } from './registry.js';
import { runFusedLoop } from './shared/segment-compiler.js';
import { ARRAY, type Terminal } from './shared/terminal.js';
import type { TaskContext } from './task-context.js';

const ignoredCount = { recordsOut: 0 };

/** The records of `node`'s partition `split`, as an array or typed array. Do not mutate it. */
export function computePartition(node: PlanNode, split: number, tc: TaskContext): ArrayLike<unknown> {
  return evaluatePartition(node, split, tc, ARRAY, ignoredCount) as ArrayLike<unknown>;
}

/**
 * Runs `node`'s partition `split` into `terminal` (an array, or a fold) and returns the terminal's
 * value. `counter.recordsOut` grows by the number of records that reached the terminal.
 */
export function evaluatePartition(
  node: PlanNode,
  split: number,
  tc: TaskContext,
  terminal: Terminal,
  counter: { recordsOut: number },
): unknown {
  if (node.storageLevel.isValid) {
    const cached = tc.getCachedBlock(node, split);
    if (cached) {
      tc.metrics.inputRecordsFromCache += cached.length;
      tc.metrics.recordsIn += cached.length;
      return runFusedLoop([], split, cached, terminal, counter);
    }
    const records = computeUncached(node, split, tc, ARRAY, ignoredCount) as ArrayLike<unknown>;
    tc.putCachedBlock(node, split, records);
    return runFusedLoop([], split, records, terminal, counter);
  }
  return computeUncached(node, split, tc, terminal, counter);
}

function computeUncached(
  node: PlanNode,
  split: number,
  tc: TaskContext,
  terminal: Terminal,
  counter: { recordsOut: number },
): unknown {
  const definition = operatorFor(node.kind);
  if (definition.elementWise) {
    // Walk up through element-wise parents that are not persisted: one fused loop for all of them.
    const chain: PlanNode[] = [];
    let top: PlanNode = node;
    while (operatorFor(top.kind).elementWise && (top === node || !top.storageLevel.isValid)) {
      chain.push(top);
      top = (top.deps[0] as { parent: PlanNode }).parent;
    }
    chain.reverse();
    const input = evaluatePartition(top, split, tc, ARRAY, ignoredCount) as ArrayLike<unknown>;
    return runFusedLoop(chain, split, input, terminal, counter);
  }
  if (!definition.compute) throw new Error(`Operator "${node.kind}" has neither a kernel nor an element template`);
  const records = definition.compute(node, split, tc);
  return runFusedLoop([], split, records, terminal, counter);
}
