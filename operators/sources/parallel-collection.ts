/**
 * parallelize and range: sources that slice a driver-side collection or a numeric range into
 * partitions with Spark's rule (partition i of n over len items holds [floor(i*len/n),
 * floor((i+1)*len/n))). Layer: operators. Runs in: driver (plan) and workers (kernel).
 */
import { require } from '../../src/core/errors.js';
import { makeNode, type PlanContext, type PlanNode } from '../../src/rdd/plan-node.js';
import { registerOperator } from '../registry.js';

/** Bounds of slice `i` of `n` over `length` items (ParallelCollectionRDD.slice). @example `sliceBounds(1, 3, 10) // [3, 6]` */
export function sliceBounds(i: number, n: number, length: number): [number, number] {
  return [Math.floor((i * length) / n), Math.floor(((i + 1) * length) / n)];
}

function checkSlices(numSlices: number): void {
  require(
    Number.isInteger(numSlices) && numSlices >= 1,
    () => `Positive number of partitions required: numSlices was ${numSlices}; give an integer >= 1.`,
  );
}

/**
 * A copy of a typed array in shared memory, so that every task's slice is a view that worker
 * threads read without copying.
 */
function sharedCopy(data: ArrayBufferView): ArrayBufferView {
  const typed = data as unknown as { constructor: new (buffer: ArrayBufferLike) => Float64Array; byteLength: number; BYTES_PER_ELEMENT?: number };
  if (typed.BYTES_PER_ELEMENT === undefined) return (data as unknown as Float64Array).slice();
  const copy = new typed.constructor(new SharedArrayBuffer(data.byteLength));
  copy.set(data as unknown as Float64Array);
  return copy;
}

/** An array of numbers as a Float64Array in shared memory, or undefined when anything else is in it. */
function sharedNumbers(data: ArrayLike<unknown>): Float64Array | undefined {
  const n = data.length;
  for (let i = 0; i < n; i++) if (typeof data[i] !== 'number') return undefined;
  const out = new Float64Array(new SharedArrayBuffer(n * Float64Array.BYTES_PER_ELEMENT));
  for (let i = 0; i < n; i++) out[i] = data[i] as number;
  return out;
}

/**
 * A ParallelCollectionRDD over a copy of `data`. Typed arrays, and arrays holding only numbers,
 * are copied into shared memory, so every task reads its slice as a flat view without copies.
 *
 * @example
 * ```ts
 * const node = parallelizeNode(ctx, [1, 2, 3, 4, 5], 2, callSite('parallelize'));
 * node.className // 'ParallelCollectionRDD'
 * node.args.data // Float64Array(5) [1, 2, 3, 4, 5], in a SharedArrayBuffer
 * ```
 */
export function parallelizeNode(plan: PlanContext, data: ArrayLike<unknown>, numSlices: number, callSite: string): PlanNode {
  checkSlices(numSlices);
  // Large typed-array records also move to shared memory: tasks then read them without copies.
  const copy = ArrayBuffer.isView(data)
    ? sharedCopy(data)
    : (sharedNumbers(data) ?? Array.from(data, (record) => (ArrayBuffer.isView(record) && record.byteLength >= 65536 ? sharedCopy(record) : record)));
  return makeNode(plan, { kind: 'parallelize', className: 'ParallelCollectionRDD', numPartitions: numSlices, args: { data: copy }, callSite });
}

/**
 * A ParallelCollectionRDD over the integers `start, start+step, ...` below `end` (above it for a negative step).
 *
 * @example
 * ```ts
 * rangeNode(ctx, 0, 10, 3, 2, callSite('range')).args // { start: 0, step: 3, count: 4 } (0, 3, 6, 9)
 * ```
 */
export function rangeNode(plan: PlanContext, start: number, end: number, step: number, numSlices: number, callSite: string): PlanNode {
  checkSlices(numSlices);
  require(Number.isInteger(start) && Number.isInteger(end), () => `range needs integer bounds, got start=${start}, end=${end}.`);
  require(Number.isInteger(step) && step !== 0, () => `range needs a non-zero integer step, got step=${step}.`);
  const count = Math.max(0, Math.ceil((end - start) / step));
  return makeNode(plan, { kind: 'range', className: 'ParallelCollectionRDD', numPartitions: numSlices, args: { start, step, count }, callSite });
}

/**
 * Partition `split` of a parallelized collection: a view of shared memory for typed arrays, a copy
 * for arrays. Resolved on the driver and handed to the task with its inputs, so a task never
 * carries the whole collection.
 *
 * @example
 * ```ts
 * const node = parallelizeNode(ctx, [1, 2, 3, 4, 5], 2, callSite('parallelize'));
 * sliceOf(node, 1) // Float64Array(3) [3, 4, 5]
 * sliceOf(parallelizeNode(ctx, ['a', 'b', 'c'], 2, callSite('parallelize')), 1) // ['b', 'c']
 * ```
 */
export function sliceOf(node: PlanNode, split: number): ArrayLike<unknown> {
  const data = node.args.data as ArrayLike<unknown>;
  const [lo, hi] = sliceBounds(split, node.numPartitions, data.length);
  return ArrayBuffer.isView(data) ? (data as unknown as Float64Array).subarray(lo, hi) : (data as unknown[]).slice(lo, hi);
}

registerOperator({
  kind: 'parallelize',
  elementWise: false,
  compute(node, split, tc) {
    const slice = tc.readSourceSlice(node, split);
    tc.metrics.recordsIn += slice.length;
    return slice;
  },
});

registerOperator({
  kind: 'range',
  elementWise: false,
  compute(node, split, tc) {
    const { start, step, count } = node.args as { start: number; step: number; count: number };
    const [lo, hi] = sliceBounds(split, node.numPartitions, count);
    const out = new Float64Array(hi - lo);
    for (let i = lo; i < hi; i++) out[i - lo] = start + i * step;
    tc.metrics.recordsIn += hi - lo;
    return out;
  },
});

registerOperator({
  kind: 'empty',
  elementWise: false,
  compute: () => [],
});

/** An RDD with no partitions (`ctx.emptyRDD()`). @example `emptyNode(ctx, callSite('emptyRDD')).numPartitions // 0` */
export function emptyNode(plan: PlanContext, callSite: string): PlanNode {
  return makeNode(plan, { kind: 'empty', className: 'EmptyRDD', numPartitions: 0, callSite });
}
