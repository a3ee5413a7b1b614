/**
 * objectFile: records saved by saveAsObjectFile, one partition per part file, each part file a
 * msgpackr-packed array of records. Layer: operators. Runs in: driver (plan) and tasks (reading).
 */
import { readFileSync } from 'node:fs';
import { deserialize } from '../../src/core/serializer.js';
import { makeNode, type PlanContext, type PlanNode } from '../../src/rdd/plan-node.js';
import { registerOperator } from '../registry.js';
import { listInputFiles } from './text-file.js';

/**
 * A source of the records saved under `path`.
 *
 * @example
 * ```ts
 * await ctx.parallelize([1, 2, 3], 3).saveAsObjectFile('out/objects');
 * objectFileNode(ctx, 'out/objects', callSite('objectFile')).numPartitions // 3 (one per part file)
 * ```
 */
export function objectFileNode(plan: PlanContext, path: string, callSite: string): PlanNode {
  const files = listInputFiles(path);
  return makeNode(plan, { kind: 'objectFile', className: 'ObjectFileRDD', numPartitions: files.length, args: { path, files }, callSite });
}

registerOperator({
  kind: 'objectFile',
  elementWise: false,
  compute(node, split, tc) {
    const file = (node.args.files as string[])[split] as string;
    const records = deserialize<unknown[]>(readFileSync(file));
    if (!Array.isArray(records)) throw new Error(`${file} is not a squall object file (it does not hold an array of records)`);
    tc.metrics.recordsIn += records.length;
    return records;
  },
});
