/**
 * The operator registry: RDD kind -> how to compute its partitions. Plan nodes carry only a kind
 * and arguments, so a worker that loads this registry can compute any plan it is sent (Vega's
 * registry idea). Layer: operators. Runs in: driver and workers.
 */
import type { PlanNode } from '../src/rdd/plan-node.js';
import type { TaskContext } from './task-context.js';

/** How one kind of RDD computes a partition. */
export interface OperatorDefinition {
  readonly kind: string;
  /** Element-wise operators are fused into the generated loop (see shared/element-op.ts). */
  readonly elementWise: boolean;
  /** Computes partition `split` (for operators that are not element-wise). */
  compute?(node: PlanNode, split: number, tc: TaskContext): ArrayLike<unknown>;
  /**
   * The parent partitions that partition `split` reads through each narrow dependency, as
   * `[dependencyIndex, parentSplit]` pairs. Defaults to one-to-one on every narrow dependency.
   */
  narrowParents?(node: PlanNode, split: number): Array<readonly [number, number]>;
}

const registry = new Map<string, OperatorDefinition>();

/** Adds an operator to the registry (each operator module calls this once when loaded). */
export function registerOperator(definition: OperatorDefinition): void {
  registry.set(definition.kind, definition);
}

/** The operator of `kind`; throws if no module registered it. */
export function operatorFor(kind: string): OperatorDefinition {
  const definition = registry.get(kind);
  if (!definition) throw new Error(`No operator registered for RDD kind "${kind}"`);
  return definition;
}

/** The `[dependencyIndex, parentSplit]` pairs partition `split` of `node` reads through narrow dependencies. */
export function narrowParentsOf(node: PlanNode, split: number): Array<readonly [number, number]> {
  const definition = operatorFor(node.kind);
  if (definition.narrowParents) return definition.narrowParents(node, split);
  const pairs: Array<readonly [number, number]> = [];
  node.deps.forEach((dep, i) => {
    if (dep.type === 'narrow') pairs.push([i, split]);
  });
  return pairs;
}
