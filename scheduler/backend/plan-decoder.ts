/**
 * Decoding tasks in a worker thread: rebuild a stage's plan once (functions included, see
 * scheduler/closure/rebuild.ts) and reuse it; turn a task's result into a message whose large
 * typed arrays move rather than copy. Layer: scheduler. Runs in: workers.
 */
import { CustomPartitioner, HashPartitioner, RangePartitioner, type Partitioner } from '../../src/rdd/partitioner.js';
import type { Aggregator, Dependency, PlanNode, ShuffleDependency } from '../../src/rdd/plan-node.js';
import { StorageLevel } from '../../src/rdd/storage-level.js';
import type { ResultFunction } from '../../operators/shared/result-function.js';
import { rebuildValue } from '../closure/rebuild.js';
import type { TaskDescription, TaskRunResult } from '../task.js';
import type { WireNode, WirePartitioner, WirePlan, WireResult, WireShuffleDependency, WireTask } from './wire-task.js';

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
        p.keyfunc === undefined ? undefined : ((await rebuildValue(p.keyfunc)) as (k: unknown) => unknown),
        (await rebuildValue(p.bounds)) as unknown[],
      );
    case 'custom':
      return new CustomPartitioner(p.numPartitions, (await rebuildValue(p.partitionFunc)) as (k: unknown) => number);
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
    aggregator: dep.aggregator === undefined ? undefined : ((await rebuildValue(dep.aggregator)) as Aggregator),
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
      args: (await rebuildValue(wire.args)) as Record<string, unknown>,
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
    resultFunction: plan.resultFunction === undefined ? undefined : ((await rebuildValue(plan.resultFunction)) as ResultFunction),
  };
}

const plans = new Map<number, Promise<DecodedPlan>>();
const KEEP_PLANS = 64;

/** The task, with its plan rebuilt (or taken from this worker's cache). */
export async function decodeTask(wire: WireTask): Promise<TaskDescription> {
  let plan = plans.get(wire.planId);
  if (!plan) {
    plan = decodePlan(wire.plan);
    plans.set(wire.planId, plan);
    if (plans.size > KEEP_PLANS) plans.delete(plans.keys().next().value as number);
    plan.catch(() => plans.delete(wire.planId));
  }
  const { rdd, shuffleDep, resultFunction } = await plan;
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

/**
 * Collects buffers that can move to the driver instead of being copied: whole, non-shared buffers
 * of typed arrays in the result that no plan or input of this worker still uses.
 */
function transferables(value: unknown, out: Set<ArrayBuffer>, depth = 0): void {
  if (depth > 3 || value === null || typeof value !== 'object') return;
  if (ArrayBuffer.isView(value)) {
    const buffer = value.buffer;
    if (buffer instanceof ArrayBuffer && value.byteOffset === 0 && value.byteLength === buffer.byteLength && value.byteLength >= 1024) out.add(buffer);
    return;
  }
  if (Array.isArray(value)) {
    const n = Math.min(value.length, 64);
    for (let i = 0; i < n; i++) transferables(value[i], out, depth + 1);
  }
}

/** The result as a message, with the buffers that may move. */
export function encodeResult(result: TaskRunResult, task: TaskDescription): { message: WireResult; transferList: ArrayBuffer[] } {
  if (result.status !== 'success') {
    if (result.status !== 'failed') throw new Error(`Unexpected task status ${result.status} in a worker`);
    return { message: { ...result, metrics: { ...result.metrics } }, transferList: [] };
  }
  const shuffleBlocks = result.shuffleBlocks ? ownBlocks(result.shuffleBlocks) : undefined;
  const moving = new Set<ArrayBuffer>();
  for (const b of shuffleBlocks ?? []) moving.add(b.buffer as ArrayBuffer);
  transferables(result.value, moving);
  // Never move a buffer the task received as input: inputs may be reused by the caller.
  for (const input of [...task.inputs.sourceSlices.values(), ...task.inputs.cachedBlocks.values()]) {
    if (ArrayBuffer.isView(input)) moving.delete(input.buffer as ArrayBuffer);
  }
  return {
    message: {
      status: 'success',
      value: result.value,
      shuffleBlocks,
      newCachedBlocks: result.newCachedBlocks.map((b) => ({ rddId: b.rdd.id, partition: b.partition, records: b.records })),
      accumulatorUpdates: result.accumulatorUpdates,
      metrics: { ...result.metrics },
      runTime: result.runTime,
    },
    transferList: [...moving],
  };
}
