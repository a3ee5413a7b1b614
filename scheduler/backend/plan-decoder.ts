/**
 * Decoding tasks in a worker thread: unpack a stage's plan once, and rebuild it (functions
 * included, see scheduler/closure/rebuild.ts) for each task, so every task has its own copies of
 * what the functions capture; turn a task's result into a message whose large typed arrays move
 * rather than copy, or into a clear failure when it holds what cannot be copied. Layer: scheduler.
 * Runs in: workers.
 */
import { types } from 'node:util';
import { CustomPartitioner, HashPartitioner, RangePartitioner, type Partitioner } from '../../src/rdd/partitioner.js';
import type { Aggregator, Dependency, PlanNode, ShuffleDependency } from '../../src/rdd/plan-node.js';
import { StorageLevel } from '../../src/rdd/storage-level.js';
import type { ResultFunction } from '../../operators/shared/result-function.js';
import { unpackShared } from '../../src/core/shared-packet.js';
import { cachedBroadcastIds, forgetBroadcasts, isPinnedBuffer, rebuildValue } from '../closure/rebuild.js';
import type { Captured } from '../closure/wire.js';
import { ReleaseKind, ReleaseReader } from './release-log.js';
import type { TaskDescription, TaskRunResult } from '../task.js';
import type { WireNode, WirePartitioner, WirePlan, WireResult, WireShuffleDependency, WireTask } from './wire-task.js';

/**
 * Rebuilds one captured value of a plan with fresh copies of its data. Never in place: the
 * unpacked plan must stay as the driver captured it, since every later task rebuilds from it.
 */
function rebuild(captured: Captured): Promise<unknown> {
  return rebuildValue(captured);
}

interface DecodedPlan {
  readonly rdd: PlanNode;
  readonly shuffleDep: ShuffleDependency | undefined;
  readonly resultFunction: ResultFunction | undefined;
}

async function decodePartitioner(p: WirePartitioner): Promise<Partitioner> {
  switch (p.kind) {
    case 'hash':
      return new HashPartitioner(p.numPartitions);
    case 'range':
      return new RangePartitioner(
        p.numPartitions,
        p.ascending,
        p.keyfunc === undefined ? undefined : ((await rebuild(p.keyfunc)) as (k: unknown) => unknown),
        (await rebuild(p.bounds)) as unknown[],
      );
    case 'custom':
      return new CustomPartitioner(p.numPartitions, (await rebuild(p.partitionFunc)) as (k: unknown) => number);
  }
}

/** Shuffle parents are not computed in this stage: a stub with the id and width is enough. */
function stub(id: number, numPartitions: number): PlanNode {
  return { id, kind: 'stub', className: 'RDD', numPartitions, deps: [], partitioner: undefined, args: {}, callSite: '', name: undefined, storageLevel: StorageLevel.NONE };
}

async function decodeShuffleDependency(dep: WireShuffleDependency): Promise<ShuffleDependency> {
  return {
    type: 'shuffle',
    parent: stub(dep.parentId, dep.parentNumPartitions),
    shuffleId: dep.shuffleId,
    partitioner: await decodePartitioner(dep.partitioner),
    aggregator: dep.aggregator === undefined ? undefined : ((await rebuild(dep.aggregator)) as Aggregator),
    mapSideCombine: dep.mapSideCombine,
    keyed: dep.keyed,
  };
}

async function decodePlan(plan: WirePlan): Promise<DecodedPlan> {
  const wireById = new Map<number, WireNode>(plan.nodes.map((n) => [n.id, n]));
  const built = new Map<number, PlanNode>();
  // Nodes are rebuilt parents first, so each node's dependencies point at rebuilt parents.
  const build = async (id: number): Promise<PlanNode> => {
    const existing = built.get(id);
    if (existing) return existing;
    const wire = wireById.get(id);
    if (!wire) throw new Error(`Plan is missing RDD ${id}`);
    const deps: Dependency[] = [];
    for (const dep of wire.deps) {
      deps.push(dep.type === 'narrow' ? { type: 'narrow', parent: await build(dep.parentId) } : await decodeShuffleDependency(dep));
    }
    const node: PlanNode = {
      id: wire.id,
      kind: wire.kind,
      className: wire.className,
      numPartitions: wire.numPartitions,
      deps,
      partitioner: wire.partitioner ? await decodePartitioner(wire.partitioner) : undefined,
      args: (await rebuild(wire.args)) as Record<string, unknown>,
      callSite: wire.callSite,
      name: undefined,
      storageLevel: StorageLevel.byName(wire.storageLevel),
    };
    built.set(id, node);
    return node;
  };
  return {
    rdd: await build(plan.rootId),
    shuffleDep: plan.shuffleDep ? await decodeShuffleDependency(plan.shuffleDep) : undefined,
    resultFunction: plan.resultFunction === undefined ? undefined : ((await rebuild(plan.resultFunction)) as ResultFunction),
  };
}

/**
 * Unpacked plans by plan id; the driver releases each when its stage attempt finishes. A plan is
 * unpacked once per worker, but rebuilt for every task, so that each task gets its own copies of
 * the captured variables, as a Spark task deserialises its closure afresh: what one task (or a
 * failed attempt) changes in them, the next task on this worker does not see. Compiled function
 * factories and imported modules are cached (rebuild.ts), so a rebuild costs microseconds.
 */
const plans = new Map<number, WirePlan>();
/** A bound on plans kept, should releases be missed (e.g. a driver that died mid-job). */
const KEEP_PLANS = 64;

let releases: ReleaseReader | undefined;

/**
 * Connects this worker to the driver's release log (scheduler/backend/release-log.ts).
 *
 * @example
 * ```ts
 * listenForReleases(workerData.releaseLog); // once, when the worker starts
 * ```
 */
export function listenForReleases(log: SharedArrayBuffer): void {
  releases = new ReleaseReader(log);
}

/**
 * What this worker keeps rebuilt, after dropping what the driver released: stage plans by id and
 * broadcast values by wire id. For diagnostics and tests; call it inside a task.
 *
 * @example
 * ```ts
 * await rdd.map(() => workerCaches()).collect() // [{ plans: [12], broadcasts: ['b3'] }, …]
 * ```
 */
export function workerCaches(): { plans: number[]; broadcasts: string[] } {
  releases?.drain(forget, forgetAll);
  return { plans: [...plans.keys()], broadcasts: cachedBroadcastIds() };
}

function forget(kind: ReleaseKind, id: number): void {
  if (kind === ReleaseKind.Plan) plans.delete(id);
  else if (kind === ReleaseKind.Broadcast) forgetBroadcasts([`a${id}`, `b${id}`]);
  else if (kind === ReleaseKind.All) forgetAll();
}

function forgetAll(): void {
  plans.clear();
  forgetBroadcasts();
}

/**
 * The task, with its plan rebuilt from this worker's unpacked copy (unpacked at its first task).
 *
 * @example
 * ```ts
 * const task = await decodeTask(wire); // in a worker: a TaskDescription ready for runTask
 * ```
 */
export async function decodeTask(wire: WireTask): Promise<TaskDescription> {
  releases?.drain(forget, forgetAll);
  let plan = plans.get(wire.planId);
  if (!plan) {
    plan = unpackShared<WirePlan>(wire.plan);
    plans.set(wire.planId, plan);
    if (plans.size > KEEP_PLANS) plans.delete(plans.keys().next().value as number);
  }
  const { rdd, shuffleDep, resultFunction } = await decodePlan(plan);
  return {
    taskId: wire.taskId,
    jobId: wire.jobId,
    stageId: wire.stageId,
    stageAttempt: wire.stageAttempt,
    index: wire.index,
    partition: wire.partition,
    attempt: wire.attempt,
    kind: wire.kind,
    rdd,
    shuffleDep,
    resultFunction,
    inputs: { cachedBlocks: wire.cachedBlocks, shuffleBlocks: wire.shuffleBlocks, sourceSlices: wire.sourceSlices },
    injectedFailure: wire.injectedFailure,
  };
}

/** Exact-size copies of shuffle blocks (msgpackr's output may view a larger reused buffer). */
function ownBlocks(blocks: Uint8Array[]): Uint8Array[] {
  return blocks.map((b) => {
    const copy = new Uint8Array(b.byteLength);
    copy.set(b);
    return copy;
  });
}

/** Arrays of numbers shorter than this cross as they are (a typed array would cost more). */
const FLAT_MIN_RECORDS = 16;

/**
 * The records as one Float64Array when they are an array holding only numbers, so that they cross
 * threads as flat memory rather than as boxed values; in shared memory when `shared`. Undefined
 * for anything else.
 */
function flatNumbers(records: unknown, shared: boolean): Float64Array | undefined {
  if (!Array.isArray(records) || records.length < FLAT_MIN_RECORDS) return undefined;
  const n = records.length;
  for (let i = 0; i < n; i++) if (typeof records[i] !== 'number') return undefined;
  const out = shared ? new Float64Array(new SharedArrayBuffer(n * Float64Array.BYTES_PER_ELEMENT)) : new Float64Array(n);
  out.set(records as number[]);
  return out;
}

/** Cached records as they travel: numbers, and typed arrays, in shared memory (stored once, read by many tasks). */
function cachedForm(records: ArrayLike<unknown>): ArrayLike<unknown> {
  const flat = flatNumbers(records, true);
  if (flat) return flat;
  if (ArrayBuffer.isView(records) && !(records.buffer instanceof SharedArrayBuffer) && !(records instanceof DataView)) {
    const typed = records as unknown as Float64Array;
    const copy = new (typed.constructor as Float64ArrayConstructor)(new SharedArrayBuffer(typed.byteLength));
    copy.set(typed);
    return copy;
  }
  return records;
}

/**
 * Collects buffers that can move to the driver instead of being copied: whole, non-shared buffers
 * of typed arrays in the result that no rebuilt function of this worker holds (captured data and
 * broadcast values are pinned, see rebuild.ts).
 */
function transferables(value: unknown, out: Set<ArrayBuffer>, depth = 0): void {
  if (depth > 3 || value === null || typeof value !== 'object') return;
  if (ArrayBuffer.isView(value)) {
    const buffer = value.buffer;
    if (buffer instanceof ArrayBuffer && value.byteOffset === 0 && value.byteLength === buffer.byteLength && value.byteLength >= 1024 && !isPinnedBuffer(buffer)) {
      out.add(buffer);
    }
    return;
  }
  if (Array.isArray(value)) {
    const n = Math.min(value.length, 64);
    for (let i = 0; i < n; i++) transferables(value[i], out, depth + 1);
  }
}

/**
 * What in `value` cannot be copied to the driver (postMessage would throw, and kill the worker),
 * looked for in the records and their fields; undefined when nothing is found there.
 */
function uncopyable(value: unknown, where: string, depth: number): string | undefined {
  if (typeof value === 'function') return `${where} is a function`;
  if (typeof value === 'symbol') return `${where} is a symbol`;
  if (value === null || typeof value !== 'object' || ArrayBuffer.isView(value)) return undefined;
  if (types.isPromise(value)) return `${where} is a Promise (an async function returns one, and a task does not wait for promises: compute the value synchronously)`;
  if (types.isGeneratorObject(value)) return `${where} is a generator object (give the generator function to flatMap to emit its values)`;
  if (depth >= 2) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (item !== null && (typeof item === 'object' || typeof item === 'function' || typeof item === 'symbol')) {
        const found = uncopyable(item, `${where}[${i}]`, depth + 1);
        if (found) return found;
      }
    }
  } else if (Object.getPrototypeOf(value) === Object.prototype) {
    for (const key of Object.keys(value)) {
      const found = uncopyable((value as Record<string, unknown>)[key], `${where}.${key}`, depth + 1);
      if (found) return found;
    }
  }
  return undefined;
}

/** A failed result for a task whose output cannot travel to the driver. */
function uncopyableResult(task: TaskDescription, what: string, runTime: number): WireResult {
  return {
    status: 'failed',
    error: {
      name: 'TaskResultNotSerializableError',
      message: `The output of task ${task.taskId} (partition ${task.partition}, stage ${task.stageId}) cannot be sent to the driver: ${what}. Records must be plain data (numbers, strings, arrays, objects, Maps, Sets, typed arrays).`,
    },
    fetchFailed: undefined,
    metrics: {},
    runTime,
  };
}

/**
 * The result as a message, with the buffers that may move (or a failed result when the output
 * cannot be copied to the driver).
 *
 * @example
 * ```ts
 * const { message, transferList } = encodeResult(runTask(task), task);
 * ```
 */
export function encodeResult(result: TaskRunResult, task: TaskDescription): { message: WireResult; transferList: ArrayBuffer[] } {
  if (result.status !== 'success') {
    if (result.status !== 'failed') throw new Error(`Unexpected task status ${result.status} in a worker`);
    return { message: { ...result, metrics: { ...result.metrics } }, transferList: [] };
  }
  const flat = flatNumbers(result.value, false);
  const wrong =
    (flat ? undefined : uncopyable(result.value, 'the result', 0)) ??
    result.newCachedBlocks.reduce<string | undefined>((found, b) => found ?? uncopyable(b.records, `the cached partition ${b.partition} of RDD ${b.rdd.id}`, 0), undefined);
  if (wrong) return { message: uncopyableResult(task, wrong, result.runTime), transferList: [] };
  const shuffleBlocks = result.shuffleBlocks ? ownBlocks(result.shuffleBlocks) : undefined;
  const moving = new Set<ArrayBuffer>();
  for (const b of shuffleBlocks ?? []) moving.add(b.buffer as ArrayBuffer);
  const value = flat ?? result.value;
  transferables(value, moving);
  // Never move a buffer the task received as input: inputs may be reused by the caller.
  for (const input of [...task.inputs.sourceSlices.values(), ...task.inputs.cachedBlocks.values()]) {
    if (ArrayBuffer.isView(input)) moving.delete(input.buffer as ArrayBuffer);
  }
  return {
    message: {
      status: 'success',
      value,
      ...(flat ? { flatNumbers: true as const } : {}),
      shuffleBlocks,
      newCachedBlocks: result.newCachedBlocks.map((b) => ({ rddId: b.rdd.id, partition: b.partition, records: cachedForm(b.records) })),
      accumulatorUpdates: result.accumulatorUpdates,
      metrics: { ...result.metrics },
      runTime: result.runTime,
    },
    transferList: [...moving],
  };
}
