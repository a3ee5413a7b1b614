/**
 * Encoding tasks for worker threads: the stage's RDDs, shuffle dependency and result function are
 * captured (closures included, see scheduler/closure) once per stage attempt and packed into
 * shared memory; each task adds only its own inputs. Layer: scheduler. Runs in: driver.
 */
import { packShared, type SharedPacket } from '../../src/core/shared-packet.js';
import { CustomPartitioner, HashPartitioner, RangePartitioner, type Partitioner } from '../../src/rdd/partitioner.js';
import type { PlanNode, ShuffleDependency } from '../../src/rdd/plan-node.js';
import { captureValue } from '../closure/capture.js';
import { stageRdds } from '../lineage.js';
import type { TaskDescription } from '../task.js';
import type { WireDependency, WireNode, WirePartitioner, WirePlan, WireShuffleDependency, WireTask } from './wire-task.js';

/** Encodes partitioners explicitly (their functions are captured). */
export function encodePartitioner(p: Partitioner, operation?: string): WirePartitioner {
  if (p instanceof HashPartitioner) return { kind: 'hash', numPartitions: p.numPartitions };
  if (p instanceof RangePartitioner) {
    return {
      kind: 'range',
      numPartitions: p.numPartitions,
      ascending: p.ascending,
      keyfunc: p.keyfunc ? captureValue(p.keyfunc, { operation }) : undefined,
      bounds: captureValue(p.bounds ?? [], { operation }),
    };
  }
  if (p instanceof CustomPartitioner) return { kind: 'custom', numPartitions: p.numPartitions, partitionFunc: captureValue(p.partitionFunc, { operation }) };
  throw new Error(`Cannot send partitioner of kind ${(p as Partitioner).kind} to a worker`);
}

/** `operation` names the transformation that made the shuffle, for error messages. */
function encodeShuffleDependency(dep: ShuffleDependency, operation?: string): WireShuffleDependency {
  return {
    type: 'shuffle',
    shuffleId: dep.shuffleId,
    parentId: dep.parent.id,
    parentNumPartitions: dep.parent.numPartitions,
    partitioner: encodePartitioner(dep.partitioner, operation),
    aggregator: dep.aggregator ? captureValue(dep.aggregator, { operation }) : undefined,
    mapSideCombine: dep.mapSideCombine,
    keyed: dep.keyed,
  };
}

/** Node arguments as they travel: a parallelized collection's data stays on the driver. */
function shippedArgs(node: PlanNode): Readonly<Record<string, unknown>> {
  if (node.kind !== 'parallelize') return node.args;
  const { data: _data, ...rest } = node.args;
  return rest;
}

function encodeNode(node: PlanNode): WireNode {
  return {
    id: node.id,
    kind: node.kind,
    className: node.className,
    numPartitions: node.numPartitions,
    callSite: node.callSite,
    storageLevel: node.storageLevel.name,
    partitioner: node.partitioner ? encodePartitioner(node.partitioner, node.callSite) : undefined,
    args: captureValue(shippedArgs(node), { operation: node.callSite }),
    deps: node.deps.map((dep): WireDependency => (dep.type === 'narrow' ? { type: 'narrow', parentId: dep.parent.id } : encodeShuffleDependency(dep, node.callSite))),
  };
}

/**
 * Captures the functions and values a new RDD adds to the plan, only to fail early: at the
 * transformation's call, with TaskNotSerializableError, rather than when a task is launched.
 */
export function checkShippable(node: PlanNode): void {
  encodeNode(node);
}

/**
 * Captures an action's result function (which holds the function given to `foreach`, `reduce`,
 * `fold` …), only to fail early: before the action's job is submitted.
 *
 * @example
 * ```ts
 * checkShippableResult(foldPartition('reduce', zero, step), 'reduce at job.ts:9'); // throws TaskNotSerializableError if step cannot travel
 * ```
 */
export function checkShippableResult(resultFunction: unknown, description: string): void {
  captureValue(resultFunction, { operation: description });
}

/** Captures what every task of a stage attempt shares. Throws TaskNotSerializableError. */
export function encodePlan(rdd: PlanNode, shuffleDep: ShuffleDependency | undefined, resultFunction: unknown): WirePlan {
  return {
    rootId: rdd.id,
    nodes: stageRdds(rdd).map(encodeNode),
    shuffleDep: shuffleDep ? encodeShuffleDependency(shuffleDep) : undefined,
    resultFunction: resultFunction === undefined ? undefined : captureValue(resultFunction, { operation: (resultFunction as { name?: string }).name }),
  };
}

interface EncodedPlan {
  readonly planId: number;
  readonly plan: SharedPacket;
}

/** Plan ids are unique in the process: worker pools outlive a Context and cache plans by id. */
let nextPlanId = 0;

/**
 * Encodes tasks, capturing and packing each stage attempt's plan once, when its first task
 * launches. A plan is dropped when its stage attempt finishes (`release`).
 */
export class TaskEncoder {
  private readonly plans = new Map<string, EncodedPlan>();

  /** @param onRelease called with the id of each plan dropped, so workers can drop theirs. */
  constructor(private readonly onRelease: (planId: number) => void = () => undefined) {}

  private planFor(task: TaskDescription): EncodedPlan {
    const key = `${task.stageId}.${task.stageAttempt}`;
    let plan = this.plans.get(key);
    if (!plan) {
      plan = { planId: nextPlanId++, plan: packShared(encodePlan(task.rdd, task.shuffleDep, task.resultFunction)) };
      this.plans.set(key, plan);
    }
    return plan;
  }

  /** Drops the plan of a finished stage attempt (a later attempt captures its own). */
  release(stageId: number, stageAttempt: number): void {
    const key = `${stageId}.${stageAttempt}`;
    const plan = this.plans.get(key);
    if (!plan) return;
    this.plans.delete(key);
    this.onRelease(plan.planId);
  }

  /** Plans held, for bookkeeping checks. */
  get size(): number {
    return this.plans.size;
  }

  encode(task: TaskDescription): WireTask {
    const plan = this.planFor(task);
    return {
      planId: plan.planId,
      plan: plan.plan,
      taskId: task.taskId,
      jobId: task.jobId,
      stageId: task.stageId,
      stageAttempt: task.stageAttempt,
      index: task.index,
      partition: task.partition,
      attempt: task.attempt,
      kind: task.kind,
      cachedBlocks: task.inputs.cachedBlocks,
      shuffleBlocks: task.inputs.shuffleBlocks,
      sourceSlices: task.inputs.sourceSlices,
      injectedFailure: task.injectedFailure,
    };
  }
}
