/**
 * The interface between the task scheduler and whatever runs tasks. The scheduler owns the model
 * of executors and cores (slots, block stores, events); a backend only runs a task that was
 * placed on a slot and reports how it ended. Layer: scheduler. Runs in: driver.
 */
import type { TaskDescription, TaskRunResult } from '../task.js';

/** A slot: one core of one executor. */
export interface Slot {
  readonly executorId: string;
  readonly core: number;
}

export interface SchedulerBackend {
  /** `inprocess` or `threads`. */
  readonly name: string;
  /** Prepares an executor (a worker pool, say) before tasks are placed on it. */
  addExecutor(executorId: string, cores: number): void;
  /** Tears an executor down; tasks still running on it resolve as `executorLost`. */
  removeExecutor(executorId: string): void;
  /** Runs one task on `slot`; never rejects (failures are results). */
  runTask(task: TaskDescription, slot: Slot): Promise<TaskRunResult>;
  /** Asks a running task to stop; it resolves as `killed` if it had not finished. */
  killTask(taskId: number, reason: string): void;
  /**
   * A stage attempt will launch no more tasks and none of its tasks runs: whatever the backend
   * kept for it (a captured plan) can go. Optional.
   */
  taskSetFinished?(stageId: number, stageAttempt: number): void;
  /**
   * Drops executors' copies of a Broadcast's value (and the driver's serialised copy when it was
   * destroyed). Optional: a backend that ships nothing keeps nothing.
   */
  releaseBroadcast?(broadcast: object, destroyed: boolean): void;
  /** Sizes of what the backend keeps per job or task, all zero when no job runs. Optional. */
  bookkeeping?(): Record<string, number>;
  stop(): Promise<void>;
}
