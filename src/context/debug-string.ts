/**
 * toDebugString in Spark's format: one line per RDD, `(numPartitions) Class[id] at callSite [level]`;
 * narrow parents continue the column with " |  ", each shuffle opens an indented "+-" block, and a
 * persisted RDD with materialised blocks gets a CachedPartitions line.
 * Layer: context. Runs in: driver.
 */
import type { PlanNode } from '../rdd/plan-node.js';

/** Cached blocks of one RDD. */
export type CachedSummary = (node: PlanNode) => { count: number; memSize: number; diskSize: number };

/**
 * Formats bytes as Spark does (e.g. "96.0 B", "1.5 KiB").
 *
 * @example
 * ```ts
 * bytesToString(96) // '96.0 B'
 * bytesToString(4096) // '4.0 KiB'
 * bytesToString(1536) // '1536.0 B' (units change at twice the next unit)
 * ```
 */
export function bytesToString(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 2 * 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

function describeSelf(node: PlanNode, cached: CachedSummary): string[] {
  const name = node.name !== undefined ? `${node.name} ` : '';
  const lines = [`${name}${node.className}[${node.id}] at ${node.callSite} [${node.storageLevel.description}]`];
  if (node.storageLevel.isValid) {
    const c = cached(node);
    if (c.count > 0) {
      lines.push(`    CachedPartitions: ${c.count}; MemorySize: ${bytesToString(c.memSize)}; DiskSize: ${bytesToString(c.diskSize)}`);
    }
  }
  return lines;
}

function columnPrefix(numPartitions: number): [string, string] {
  const label = `(${numPartitions})`;
  const left = Math.floor((label.length - 1) / 2);
  return [label, `${' '.repeat(left)}|${' '.repeat(label.length - left)}`];
}

function children(node: PlanNode, prefix: string, cached: CachedSummary): string[] {
  const out: string[] = [];
  node.deps.forEach((dep, i) => {
    const last = i === node.deps.length - 1;
    out.push(...render(dep.parent, prefix, dep.type === 'shuffle', last, cached));
  });
  return out;
}

function render(node: PlanNode, prefix: string, isShuffle: boolean, isLastChild: boolean, cached: CachedSummary): string[] {
  if (!isShuffle) return [...describeSelf(node, cached).map((line) => prefix + line), ...children(node, prefix, cached)];
  const [label, column] = columnPrefix(node.numPartitions);
  const own = prefix.replace(/\|\s+$/, '');
  const next = own + (isLastChild ? '  ' : '| ') + column;
  const self = describeSelf(node, cached).map((line, i) => (i === 0 ? `${own}+-${label} ${line}` : `${next}${line}`));
  return [...self, ...children(node, next, cached)];
}

/**
 * The lineage of `root` as Spark's RDD.toDebugString prints it.
 *
 * @example
 * ```ts
 * const r = ctx.parallelize([1, 2, 3], 2).map((x) => [x, 1]).reduceByKey((a, b) => a + b);
 * debugString(r.node, (n) => ctx.cachedPartitions(n))
 * // (2) ShuffledRDD[2] at reduceByKey at job.ts:3 []
 * //  +-(2) MapPartitionsRDD[1] at map at job.ts:3 []
 * //     |  ParallelCollectionRDD[0] at parallelize at job.ts:3 []
 * ```
 */
export function debugString(root: PlanNode, cached: CachedSummary): string {
  const [label, column] = columnPrefix(root.numPartitions);
  const self = describeSelf(root, cached).map((line, i) => (i === 0 ? `${label} ${line}` : `${column} ${line}`));
  return [...self, ...children(root, column, cached)].join('\n');
}
