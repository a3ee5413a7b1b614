/**
 * sample: a random subset of each partition; narrow; keeps the partitioner; deterministic for a
 * seed, since each partition's generator is seeded from (seed, partition index). Without
 * replacement each record is kept with probability `fraction` (Bernoulli); with replacement it is
 * emitted Poisson(fraction) times. Layer: operators. Runs in: driver (plan); the loop runs in tasks.
 */
import { require } from '../../src/core/errors.js';
import { makeNode, narrow, type PlanContext, type PlanNode } from '../../src/rdd/plan-node.js';

/**
 * Checks sample's arguments with Spark's rules and messages.
 *
 * @example
 * ```ts
 * checkSampleArguments(false, 0.5, 42) // passes
 * checkSampleArguments(false, 1.5, 42) // throws IllegalArgumentError: Sampling fraction (1.5) must be on interval [0, 1] ...
 * ```
 */
export function checkSampleArguments(withReplacement: unknown, fraction: unknown, seed: unknown): void {
  require(typeof withReplacement === 'boolean', () => `sample(withReplacement, ...) needs a boolean, got ${String(withReplacement)}.`);
  require(
    typeof fraction === 'number' && Number.isFinite(fraction) && fraction >= 0,
    () => `Fraction must be nonnegative and finite: got fraction=${String(fraction)}. Give a number >= 0.`,
  );
  require(
    withReplacement || (fraction as number) <= 1 + 1e-6,
    () => `Sampling fraction (${String(fraction)}) must be on interval [0, 1] without replacement; use withReplacement=true for fractions above 1.`,
  );
  require(
    seed === undefined || (typeof seed === 'number' && Number.isInteger(seed) && seed >= 0 && seed <= Number.MAX_SAFE_INTEGER),
    () => `sample's seed must be a non-negative safe integer, got ${String(seed)}.`,
  );
}

/**
 * A PartitionwiseSampledRDD.
 *
 * @example
 * ```ts
 * sampleNode(ctx, rdd.node, false, 0.1, 42, callSite('sample')).args // { op: 'bernoulli', fraction: 0.1, seed: 42 }
 * ```
 */
export function sampleNode(plan: PlanContext, parent: PlanNode, withReplacement: boolean, fraction: number, seed: number, callSite: string): PlanNode {
  checkSampleArguments(withReplacement, fraction, seed);
  return makeNode(plan, {
    kind: 'element',
    className: 'PartitionwiseSampledRDD',
    numPartitions: parent.numPartitions,
    deps: [narrow(parent)],
    partitioner: parent.partitioner,
    args: { op: withReplacement ? 'poisson' : 'bernoulli', fraction, seed },
    callSite,
  });
}
