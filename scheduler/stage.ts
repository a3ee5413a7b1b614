/**
 * Stages and jobs. A stage is a set of tasks running the same pipelined RDDs on different
 * partitions; it ends in a shuffle write (ShuffleMapStage) or in the action's result function
 * (ResultStage). An ActiveJob is one action in flight. Layer: scheduler. Runs in: driver.
 */
import type { StageInfo } from '../src/events/listener-events.js';
import type { PlanNode, ShuffleDependency } from '../src/rdd/plan-node.js';
import type { ResultFunction } from '../operators/shared/result-function.js';
import { rddInfo, stageHasPersistedRdd, stageRdds } from './lineage.js';

export abstract class Stage {
  abstract readonly kind: 'shuffleMap' | 'result';
  /** Jobs that need this stage. */
  readonly jobIds = new Set<number>();
  /** Partitions of the running attempt that have not finished yet. */
  readonly pendingPartitions = new Set<number>();
  /** Id of the latest attempt (-1 before the first). */
  latestAttempt = -1;
  /** Attempts that ended in a fetch failure, in a row. */
  failedAttempts = 0;
  submissionTime: number | undefined;
  readonly hasPersistedRdd: boolean;

  constructor(
    readonly id: number,
    readonly rdd: PlanNode,
    readonly numTasks: number,
    readonly parents: readonly Stage[],
    readonly firstJobId: number,
  ) {
    this.hasPersistedRdd = stageHasPersistedRdd(rdd);
  }

  /** Partitions (of the stage's RDD) that still need computing. */
  abstract findMissingPartitions(): number[];

  /** Spark's stage name: the call site of its last RDD (of the action, for a result stage). */
  get name(): string {
    return this.rdd.callSite;
  }

  info(extra: { completionTime?: number; failureReason?: string } = {}): StageInfo {
    return {
      stageId: this.id,
      attemptNumber: Math.max(this.latestAttempt, 0),
      name: this.name,
      kind: this.kind,
      numTasks: this.numTasks,
      parentIds: this.parents.map((p) => p.id),
      rddInfos: stageRdds(this.rdd).map(rddInfo),
      ...(this instanceof ShuffleMapStage ? { shuffleId: this.shuffleDep.shuffleId } : {}),
      ...(this.submissionTime !== undefined ? { submissionTime: this.submissionTime } : {}),
      ...extra,
    };
  }
}

export class ShuffleMapStage extends Stage {
  readonly kind = 'shuffleMap' as const;
  constructor(
    id: number,
    rdd: PlanNode,
    parents: readonly Stage[],
    firstJobId: number,
    readonly shuffleDep: ShuffleDependency,
    private readonly missingMapIds: () => number[],
  ) {
    super(id, rdd, rdd.numPartitions, parents, firstJobId);
  }
  findMissingPartitions(): number[] {
    return this.missingMapIds();
  }
  /** Every map output is registered. */
  get isAvailable(): boolean {
    return this.missingMapIds().length === 0;
  }
}

export class ResultStage extends Stage {
  readonly kind = 'result' as const;
  job: ActiveJob | undefined;
  /** Index in `partitions` of each partition (the job's output slot). */
  readonly outputIndex: ReadonlyMap<number, number>;
  constructor(
    id: number,
    rdd: PlanNode,
    readonly partitions: readonly number[],
    readonly resultFunction: ResultFunction,
    parents: readonly Stage[],
    firstJobId: number,
    /** The action's call site, e.g. `collect at job.ts:20`. */
    private readonly actionCallSite: string,
  ) {
    super(id, rdd, partitions.length, parents, firstJobId);
    this.outputIndex = new Map(partitions.map((p, i) => [p, i]));
  }
  override get name(): string {
    return this.actionCallSite;
  }
  findMissingPartitions(): number[] {
    const job = this.job;
    if (!job) return [];
    const out: number[] = [];
    this.partitions.forEach((p, i) => {
      if (!job.finished[i]) out.push(p);
    });
    return out;
  }
}

/** One action in flight. */
export interface ActiveJob {
  readonly jobId: number;
  readonly finalStage: ResultStage;
  readonly description: string;
  readonly finished: boolean[];
  numFinished: number;
  /** Called once per output partition (index into the job's partitions) with its result. */
  readonly resultHandler: (index: number, result: unknown) => void;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
  /** Stages that ran (were submitted) for this job; the rest of its stages were skipped. */
  readonly submittedStageIds: Set<number>;
  readonly stageIds: readonly number[];
  detachSignal: (() => void) | undefined;
}
