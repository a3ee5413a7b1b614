/**
 * map, filter, flatMap, mapValues, flatMapValues, keyBy: narrow, element-wise RDDs
 * (MapPartitionsRDD in Spark) fused into one loop per partition. map and flatMap drop the
 * partitioner unless told it is preserved; filter, mapValues and flatMapValues keep it.
 * Layer: operators. Runs in: driver (plan); the loop runs in tasks.
 */
import { types } from 'node:util';
import { require } from '../../src/core/errors.js';
import { makeNode, narrow, type PlanContext, type PlanNode } from '../../src/rdd/plan-node.js';
import { registerOperator } from '../registry.js';

export type ElementKind = 'map' | 'filter' | 'flatMap' | 'mapValues' | 'flatMapValues';

const keepsPartitioner: Record<ElementKind, boolean> = {
  map: false,
  filter: true,
  flatMap: false,
  mapValues: true,
  flatMapValues: true,
};

/**
 * Checks that `fn` is a function, naming the operator and the value otherwise.
 *
 * @example
 * ```ts
 * requireFunction((x: number) => x + 1, 'map') // passes
 * requireFunction(42, 'map') // throws IllegalArgumentError: map(f) needs a function, got number 42.
 * requireFunction(async (x: number) => x, 'map') // throws: map(f) needs a synchronous function, ...
 * ```
 */
export function requireFunction(fn: unknown, operator: string, what = 'f'): void {
  require(typeof fn === 'function', () => `${operator}(${what}) needs a function, got ${describeValue(fn)}.`);
  require(
    !types.isAsyncFunction(fn),
    () =>
      `${operator}(${what}) needs a synchronous function, got an async function: its result would be a Promise, which tasks do not wait for. ` +
      'Do the asynchronous work on the driver first (await it there) and give the function its result.',
  );
}

function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'object') return `an object (${Object.prototype.toString.call(v)})`;
  return `${typeof v} ${String(v)}`;
}

/**
 * An element-wise RDD applying `fn` as `kind` does.
 *
 * @example
 * ```ts
 * const node = elementNode(ctx, rdd.node, 'map', (x: number) => x * 2, callSite('map'));
 * node.className // 'MapPartitionsRDD'
 * node.args.op // 'map'
 * ```
 */
export function elementNode(
  plan: PlanContext,
  parent: PlanNode,
  kind: ElementKind,
  fn: (...args: never[]) => unknown,
  callSite: string,
  preservesPartitioning = false,
): PlanNode {
  requireFunction(fn, kind);
  return makeNode(plan, {
    kind: 'element',
    className: 'MapPartitionsRDD',
    numPartitions: parent.numPartitions,
    deps: [narrow(parent)],
    partitioner: keepsPartitioner[kind] || preservesPartitioning ? parent.partitioner : undefined,
    args: { op: kind, fn },
    callSite,
  });
}

registerOperator({ kind: 'element', elementWise: true });
