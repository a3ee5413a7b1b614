/**
 * Encoding tasks for worker threads: the stage's RDDs, shuffle dependency and result function are
 * captured (closures included, see scheduler/closure) once per stage attempt and packed into
 * shared memory; each task adds only its own inputs. Layer: scheduler. Runs in: driver.
 */
import { packShared, type SharedPacket } from '../../src/core/shared-packet.js';
import { CustomPartitioner, HashPartitioner, RangePartitioner, type Partitioner } from '../../src/rdd/partitioner.js';
import type { PlanNode, ShuffleDependency } from '../../src/rdd/plan-node.js';
import { captureValue } from '../closure/capture.js';
import { broadcastIds, type Captured } from '../closure/wire.js';
import { stageRdds } from '../lineage.js';
import type { TaskDescription } from '../task.js';
import type { WireDependency, WireNode, WirePartitioner, WirePlan, WireShuffleDependency, WireTask } from './wire-task.js';

/**
 * Encodes partitioners explicitly (their functions are captured); `operation` names the
 * transformation in error messages.
 *
 * @example
 * ```ts
 * encodePartitioner(new HashPartitioner(4)) // { kind: 'hash', numPartitions: 4 }
 * ```
 */
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

/**
 * A capture made only to check that everything can travel serialises nothing: large values stay
 * as they are (`broadcastThreshold: Infinity`) instead of being packed for workers and thrown away.
 */
const CHECK_ONLY = { broadcastThreshold: Infinity } as const;

function encodeNode(node: PlanNode, checkOnly = false): WireNode {
  const options = checkOnly ? { operation: node.callSite, ...CHECK_ONLY } : { operation: node.callSite };
  return {
    id: node.id,
    kind: node.kind,
    className: node.className,
    numPartitions: node.numPartitions,
    callSite: node.callSite,
    storageLevel: node.storageLevel.name,
    partitioner: node.partitioner ? encodePartitioner(node.partitioner, node.callSite) : undefined,
    args: captureValue(shippedArgs(node), options),
    deps: node.deps.map((dep): WireDependency => (dep.type === 'narrow' ? { type: 'narrow', parentId: dep.parent.id } : encodeShuffleDependency(dep, node.callSite))),
  };
}

/**
 * Captures the functions and values a new RDD adds to the plan, only to fail early: at the
 * transformation's call, with TaskNotSerializableError, rather than when a task is launched.
 *
 * @example
 * ```ts
 * checkShippable(rdd.map((x) => x * k).node); // throws if k cannot travel
 * ```
 */
export function checkShippable(node: PlanNode): void {
  encodeNode(node, true);
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
  captureValue(resultFunction, { operation: description, ...CHECK_ONLY });
}

/**
 * Captures what every task of a stage attempt shares. Throws TaskNotSerializableError.
 *
 * @example
 * ```ts
 * const wire = encodePlan(task.rdd, task.shuffleDep, task.resultFunction); // { rootId, nodes, shuffleDep, resultFunction }
 * ```
 */
export function encodePlan(rdd: PlanNode, shuffleDep: ShuffleDependency | undefined, resultFunction: unknown): WirePlan {
  return {
    rootId: rdd.id,
    nodes: stageRdds(rdd).map((node) => encodeNode(node)),
    shuffleDep: shuffleDep ? encodeShuffleDependency(shuffleDep) : undefined,
    resultFunction: resultFunction === undefined ? undefined : captureValue(resultFunction, { operation: (resultFunction as { name?: string }).name }),
  };
}

interface EncodedPlan {
  readonly planId: number;
  readonly plan: SharedPacket;
  /** Wire ids of the automatic broadcasts (large captured values) made for this plan alone. */
  readonly autoBroadcasts: readonly string[];
}

/** The captured values of a partitioner on the wire. */
function partitionerParts(p: WirePartitioner | undefined): Captured[] {
  if (p?.kind === 'range') return p.keyfunc ? [p.keyfunc, p.bounds] : [p.bounds];
  if (p?.kind === 'custom') return [p.partitionFunc];
  return [];
}

/** Every captured value of a plan: node arguments, partitioners, aggregators, the result function. */
function capturedParts(plan: WirePlan): Captured[] {
  const shuffleParts = (dep: WireShuffleDependency): Captured[] => [...partitionerParts(dep.partitioner), ...(dep.aggregator ? [dep.aggregator] : [])];
  return [
    ...plan.nodes.flatMap((node) => [node.args, ...partitionerParts(node.partitioner), ...node.deps.flatMap((dep) => (dep.type === 'shuffle' ? shuffleParts(dep) : []))]),
    ...(plan.shuffleDep ? shuffleParts(plan.shuffleDep) : []),
    ...(plan.resultFunction ? [plan.resultFunction] : []),
  ];
}

/**
 * The automatic broadcasts of a plan (`a…` ids): a large captured value is serialised afresh at
 * each capture, so its worker copies can go with the plan. Broadcast variables (`b…`) stay until
 * unpersisted.
 */
function automaticBroadcasts(plan: WirePlan): string[] {
  return [...new Set(capturedParts(plan).flatMap((part) => broadcastIds(part)))].filter((id) => id.startsWith('a'));
}

/** Plan ids are unique in the process: worker pools outlive a Context and cache plans by id. */
let nextPlanId = 0;

/**
 * Encodes tasks, capturing and packing each stage attempt's plan once, when its first task
 * launches. A plan is dropped when its stage attempt finishes (`release`).
 */
export class TaskEncoder {
  private readonly plans = new Map<string, EncodedPlan>();

  /**
   * @param onRelease called with the id of each plan dropped and the automatic broadcasts made for
   *   it, so workers can drop their copies.
   */
  constructor(private readonly onRelease: (planId: number, autoBroadcasts: readonly string[]) => void = () => undefined) {}

  private planFor(task: TaskDescription): EncodedPlan {
    const key = `${task.stageId}.${task.stageAttempt}`;
    let plan = this.plans.get(key);
    if (!plan) {
      const wire = encodePlan(task.rdd, task.shuffleDep, task.resultFunction);
      plan = { planId: nextPlanId++, plan: packShared(wire), autoBroadcasts: automaticBroadcasts(wire) };
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
    this.onRelease(plan.planId, plan.autoBroadcasts);
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
