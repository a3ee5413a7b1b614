/**
 * TaskContext: what code running inside a task can learn about that task (Spark's
 * TaskContext.get()): its stage, partition, attempt number and task id. On the driver, outside any
 * task, `get()` returns undefined. Layer: context. Runs in: tasks (driver thread or workers).
 */
import { currentTaskScope } from '../core/task-scope.js';

/** The running task, as seen from inside it. */
export interface TaskInfoView {
  readonly stageId: number;
  readonly partitionId: number;
  /** 0 for the first attempt, 1 for the first retry, and so on. */
  readonly attemptNumber: number;
  readonly taskId: number;
}

export const TaskContext = {
  /**
   * The task running the calling code, or undefined on the driver.
   *
   * @example
   * ```ts
   * rdd.map((x) => (TaskContext.get()?.attemptNumber === 0 && x === 13 ? fail() : x));
   * ```
   */
  get(): TaskInfoView | undefined {
    const scope = currentTaskScope();
    if (!scope) return undefined;
    return { stageId: scope.stageId, partitionId: scope.partitionId, attemptNumber: scope.attemptNumber, taskId: scope.taskId };
  },
};
