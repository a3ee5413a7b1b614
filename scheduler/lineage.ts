/**
 * Walking the lineage inside one stage: the RDDs a stage pipelines, the shuffle dependencies where
 * it starts, and the parent partitions one task reads. Explicit stacks, so deep lineages do not
 * overflow the call stack. Layer: scheduler. Runs in: driver.
 */
import type { RDDInfo } from '../src/events/listener-events.js';
import type { PlanNode, ShuffleDependency } from '../src/rdd/plan-node.js';
import { narrowParentsOf } from '../operators/index.js';

/** Visits `rdd` and each RDD reachable from it through narrow dependencies, once each. */
function visitStage(rdd: PlanNode, visit: (node: PlanNode) => void): void {
  const seen = new Set<number>();
  const stack = [rdd];
  while (stack.length > 0) {
    const node = stack.pop() as PlanNode;
    if (seen.has(node.id)) continue;
    seen.add(node.id);
    visit(node);
    for (const dep of node.deps) if (dep.type === 'narrow') stack.push(dep.parent);
  }
}

/** The shuffle dependencies reachable from `rdd` through narrow dependencies only, by shuffle id. */
export function immediateShuffleDependencies(rdd: PlanNode): ShuffleDependency[] {
  const found: ShuffleDependency[] = [];
  visitStage(rdd, (node) => {
    for (const dep of node.deps) if (dep.type === 'shuffle') found.push(dep);
  });
  return found.sort((a, b) => a.shuffleId - b.shuffleId);
}

/** The RDDs a stage pipelines (its last RDD and narrow ancestors), last RDD first. */
export function stageRdds(rdd: PlanNode): PlanNode[] {
  const out: PlanNode[] = [];
  visitStage(rdd, (node) => out.push(node));
  return out;
}

/** Describes an RDD for listeners. */
export function rddInfo(node: PlanNode): RDDInfo {
  return {
    id: node.id,
    name: node.name ?? node.className,
    className: node.className,
    callSite: node.callSite,
    numPartitions: node.numPartitions,
    parentIds: node.deps.map((d) => d.parent.id),
    storageLevel: node.storageLevel.name,
  };
}

/**
 * Visits `(node, split)` pairs that partition `split` of `rdd` reads within its stage. `visit`
 * returns false to stop descending below a node (a cached partition was found).
 */
export function walkTaskLineage(rdd: PlanNode, split: number, visit: (node: PlanNode, split: number) => boolean): void {
  const stack: Array<[PlanNode, number]> = [[rdd, split]];
  const seen = new Set<string>();
  while (stack.length > 0) {
    const [node, s] = stack.pop() as [PlanNode, number];
    const key = `${node.id}_${s}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (!visit(node, s)) continue;
    for (const [depIndex, parentSplit] of narrowParentsOf(node, s)) stack.push([(node.deps[depIndex] as { parent: PlanNode }).parent, parentSplit]);
  }
}

/** True when some RDD of the stage is persisted (only then can a task prefer an executor). */
export function stageHasPersistedRdd(rdd: PlanNode): boolean {
  return stageRdds(rdd).some((n) => n.storageLevel.isValid);
}
