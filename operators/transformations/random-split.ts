/**
 * randomSplit: k RDDs that together hold each record of the parent exactly once. Every split
 * draws the same uniform per record (one generator per partition, seeded from (seed, partition))
 * and keeps the records whose draw falls in its slice [lower, upper) of [0, 1).
 * Layer: operators. Runs in: driver (plan); the loop runs in tasks.
 */
import { require } from '../../src/core/errors.js';
import { makeNode, narrow, type PlanContext, type PlanNode } from '../../src/rdd/plan-node.js';

/** Checks the weights and returns the cumulative bounds [0, w1, w1+w2, ..., 1]. @example `splitBounds([1, 1, 2]) // [0, 0.25, 0.5, 1]` */
export function splitBounds(weights: readonly number[]): number[] {
  require(Array.isArray(weights) && weights.length > 0, () => `randomSplit needs a non-empty array of weights, got ${Array.isArray(weights) ? `[${weights.join(', ')}]` : String(weights)}.`);
  weights.forEach((w, i) =>
    require(typeof w === 'number' && Number.isFinite(w) && w >= 0, () => `Weights must be nonnegative: weights[${i}] is ${String(w)}.`),
  );
  const total = weights.reduce((a, b) => a + b, 0);
  require(total > 0, () => `Sum of weights must be positive: weights [${weights.join(', ')}] sum to ${total}.`);
  const bounds = [0];
  let running = 0;
  for (const w of weights) {
    running += w;
    bounds.push(running / total);
  }
  bounds[bounds.length - 1] = 1;
  return bounds;
}

/**
 * One split: the parent's records whose uniform draw is in [lowerBound, upperBound).
 *
 * @example
 * ```ts
 * splitNode(ctx, rdd.node, 0, 0.5, 42, callSite('randomSplit')).args // { op: 'splitRange', lowerBound: 0, upperBound: 0.5, seed: 42 }
 * ```
 */
export function splitNode(plan: PlanContext, parent: PlanNode, lowerBound: number, upperBound: number, seed: number, callSite: string): PlanNode {
  return makeNode(plan, {
    kind: 'element',
    className: 'PartitionwiseSampledRDD',
    numPartitions: parent.numPartitions,
    deps: [narrow(parent)],
    partitioner: parent.partitioner,
    args: { op: 'splitRange', lowerBound, upperBound, seed },
    callSite,
  });
}
