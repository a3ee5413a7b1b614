/**
 * Jobs that must run before a job can be planned: sortByKey's range bounds (a count and a sample of
 * the keys) and zipWithIndex's partition offsets (a count per partition). Spark runs them when the
 * RDD is defined; squall runs them just before the first action that needs them, so that defining
 * RDDs never runs a job. They show up as jobs of their own in the events.
 * Layer: context. Runs in: driver.
 */
import { defaultCompare } from '../core/keys.js';
import { RangePartitioner } from '../rdd/partitioner.js';
import type { PlanNode, ShuffleDependency } from '../rdd/plan-node.js';
import type { IndexOffsets } from '../../operators/transformations/zip-with-index.js';
import type { ActionOptions, Context } from './context.js';
import { RDD } from './rdd.js';

const inFlight = new WeakMap<PlanNode, Promise<void>>();

function needsPreparation(node: PlanNode): boolean {
  if (node.kind === 'shuffled') {
    const p = (node.deps[0] as ShuffleDependency).partitioner;
    return p instanceof RangePartitioner && p.bounds === undefined;
  }
  if (node.args.op === 'withIndex' && !node.args.uniqueIds) return (node.args.offsets as IndexOffsets).value === undefined;
  return false;
}

/** Ancestors first (post-order over every dependency). */
function lineageOrder(root: PlanNode): PlanNode[] {
  const order: PlanNode[] = [];
  const seen = new Set<number>();
  const stack: Array<[PlanNode, boolean]> = [[root, false]];
  while (stack.length > 0) {
    const [node, expanded] = stack.pop() as [PlanNode, boolean];
    if (expanded) {
      order.push(node);
      continue;
    }
    if (seen.has(node.id)) continue;
    seen.add(node.id);
    stack.push([node, true]);
    for (const dep of node.deps) stack.push([dep.parent, false]);
  }
  return order;
}

/**
 * Runs the preparing jobs `root`'s lineage still needs.
 *
 * @example
 * ```ts
 * const z = ctx.parallelize([1, 2, 3, 4], 2).zipWithIndex();
 * await prepareLineage(ctx, z.node, {}); // runs the count job
 * z.node.args.offsets // { value: [0, 2] }
 * ```
 */
export async function prepareLineage(ctx: Context, root: PlanNode, options: ActionOptions): Promise<void> {
  for (const node of lineageOrder(root)) {
    if (!needsPreparation(node)) continue;
    let running = inFlight.get(node);
    if (!running) {
      running = prepare(ctx, node, options).finally(() => inFlight.delete(node));
      inFlight.set(node, running);
    }
    await running;
  }
}

async function prepare(ctx: Context, node: PlanNode, options: ActionOptions): Promise<void> {
  if (node.kind === 'shuffled') {
    const dep = node.deps[0] as ShuffleDependency;
    (dep.partitioner as RangePartitioner).bounds = await sampleRangeBounds(ctx, dep.parent, dep.partitioner as RangePartitioner, options);
    return;
  }
  const parent = new RDD<unknown>(ctx, (node.deps[0] as { parent: PlanNode }).parent);
  const n = parent.getNumPartitions();
  const counts = await ctx.runJob(
    parent,
    { name: 'zipWithIndex', terminal: { kind: 'fold', zero: () => 0, step: (a) => (a as number) + 1 }, finish: (v) => v as number },
    Array.from({ length: Math.max(n - 1, 0) }, (_, i) => i),
    options,
  );
  const offsets = [0];
  for (const c of counts) offsets.push((offsets[offsets.length - 1] as number) + c);
  (node.args.offsets as IndexOffsets).value = offsets;
}

/** PySpark's sortByKey sampling: count, sample about 20 keys per output partition with seed 1, take evenly spaced bounds. */
async function sampleRangeBounds(ctx: Context, keyed: PlanNode, partitioner: RangePartitioner, options: ActionOptions): Promise<unknown[]> {
  const parent = new RDD<[unknown, unknown]>(ctx, keyed);
  const n = partitioner.numPartitions;
  const size = await parent.count(options);
  if (size === 0) return [];
  const fraction = Math.min((20 * n) / size, 1);
  const keyfunc = partitioner.keyfunc;
  const samples = await parent
    .sample(false, fraction, 1)
    .map((kv) => (keyfunc ? keyfunc(kv[0]) : kv[0]))
    .collect(options);
  samples.sort(defaultCompare);
  if (samples.length === 0) return [];
  const bounds: unknown[] = [];
  for (let i = 0; i < n - 1; i++) bounds.push(samples[Math.min(Math.floor((samples.length * (i + 1)) / n), samples.length - 1)]);
  return bounds;
}
