/**
 * The listener events a Context publishes on `ctx.events` (Spark's SparkListener callbacks as one
 * tagged union). Each event carries what a timeline or a stage graph needs, so a recorded event log
 * can be drawn with no engine running. Layer: events. Runs in: driver.
 */

/** An RDD of a stage, as drawn in a stage graph. */
export interface RDDInfo {
  readonly id: number;
  readonly name: string;
  readonly className: string;
  readonly callSite: string;
  readonly numPartitions: number;
  readonly parentIds: readonly number[];
  readonly storageLevel: string;
}

/** A stage as listeners see it. */
export interface StageInfo {
  readonly stageId: number;
  readonly attemptNumber: number;
  /** The call site of the stage's last RDD, e.g. `reduceByKey at job.ts:14`. */
  readonly name: string;
  readonly kind: 'shuffleMap' | 'result';
  readonly numTasks: number;
  readonly parentIds: readonly number[];
  readonly rddInfos: readonly RDDInfo[];
  /** Shuffle written by a shuffle-map stage. */
  readonly shuffleId?: number;
  readonly submissionTime?: number;
  readonly completionTime?: number;
  readonly failureReason?: string;
}

/** Why a task ended. */
export type TaskEndReason =
  | { readonly kind: 'success' }
  | { readonly kind: 'exception'; readonly className: string; readonly message: string; readonly stack?: string; readonly countTowardsTaskFailures: true }
  | { readonly kind: 'fetchFailed'; readonly shuffleId: number; readonly mapId: number; readonly executorId: string; readonly message: string }
  | { readonly kind: 'executorLost'; readonly executorId: string; readonly message: string }
  | { readonly kind: 'killed'; readonly reason: string };

/** One attempt of one task. */
export interface TaskInfo {
  readonly taskId: number;
  /** Index of the task within its stage attempt. */
  readonly index: number;
  readonly attemptNumber: number;
  readonly partitionId: number;
  readonly executorId: string;
  readonly host: string;
  /** The executor core (0-based) the task held while it ran. */
  readonly core: number;
  readonly locality: 'PROCESS_LOCAL' | 'NO_PREF' | 'ANY';
  readonly launchTime: number;
  readonly finishTime?: number;
  readonly duration?: number;
  readonly status: 'RUNNING' | 'SUCCESS' | 'FAILED' | 'KILLED';
}

/** What one task did (Spark's TaskMetrics, the parts that apply here). */
export interface TaskMetrics {
  /** Milliseconds spent running the task body. */
  readonly executorRunTime: number;
  /**
   * Milliseconds from launch until the executor began the task: waiting for a free worker thread
   * (an executor's cores can outnumber its threads) and the handover. With the deserialise and run
   * times, this splits a task's duration for a timeline, as Spark's UI does.
   */
  readonly schedulerDelay: number;
  /** Milliseconds the executor spent rebuilding the task (its plan and functions) before running it. */
  readonly executorDeserializeTime: number;
  /** Records read from sources, cached blocks and shuffle blocks. */
  readonly recordsIn: number;
  /** Records the task produced: its result's records, or the records it wrote to a shuffle. */
  readonly recordsOut: number;
  readonly inputRecordsFromCache: number;
  readonly shuffleReadBytes: number;
  readonly shuffleReadRecords: number;
  readonly shuffleWriteBytes: number;
  readonly shuffleWriteRecords: number;
  readonly resultSize: number;
}

export interface JobStartEvent {
  readonly type: 'jobStart';
  readonly time: number;
  readonly jobId: number;
  /** The action's call site, e.g. `collect at job.ts:20`. */
  readonly description: string;
  /** Every stage of the job, including those that will be skipped because their output exists. */
  readonly stageIds: readonly number[];
  readonly stageInfos: readonly StageInfo[];
}
export interface JobEndEvent {
  readonly type: 'jobEnd';
  readonly time: number;
  readonly jobId: number;
  readonly result: 'succeeded' | 'failed' | 'cancelled';
  readonly error?: string;
  /** Stages listed at jobStart that never ran because their shuffle output was already there. */
  readonly skippedStageIds: readonly number[];
}
export interface StageSubmittedEvent {
  readonly type: 'stageSubmitted';
  readonly time: number;
  readonly jobId: number;
  readonly stageInfo: StageInfo;
}
export interface StageCompletedEvent {
  readonly type: 'stageCompleted';
  readonly time: number;
  readonly jobId: number;
  readonly stageInfo: StageInfo;
}
export interface TaskStartEvent {
  readonly type: 'taskStart';
  readonly time: number;
  readonly stageId: number;
  readonly stageAttemptId: number;
  readonly taskInfo: TaskInfo;
}
export interface TaskEndEvent {
  readonly type: 'taskEnd';
  readonly time: number;
  readonly stageId: number;
  readonly stageAttemptId: number;
  readonly taskType: 'ShuffleMapTask' | 'ResultTask';
  readonly reason: TaskEndReason;
  readonly taskInfo: TaskInfo;
  readonly metrics: TaskMetrics;
}
export interface ExecutorAddedEvent {
  readonly type: 'executorAdded';
  readonly time: number;
  readonly executorId: string;
  readonly host: string;
  readonly totalCores: number;
}
export interface ExecutorRemovedEvent {
  readonly type: 'executorRemoved';
  readonly time: number;
  readonly executorId: string;
  readonly reason: string;
}
export interface BlockUpdatedEvent {
  readonly type: 'blockUpdated';
  readonly time: number;
  /** `rdd_<rddId>_<partition>`. */
  readonly blockId: string;
  readonly executorId: string;
  /** Storage level name; `NONE` when the block was removed. */
  readonly storageLevel: string;
  readonly memSize: number;
  readonly diskSize: number;
}

/** Every event on `ctx.events`, tagged by `type`. */
export type ListenerEvent =
  | JobStartEvent
  | JobEndEvent
  | StageSubmittedEvent
  | StageCompletedEvent
  | TaskStartEvent
  | TaskEndEvent
  | ExecutorAddedEvent
  | ExecutorRemovedEvent
  | BlockUpdatedEvent;
