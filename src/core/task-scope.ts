/**
 * The task currently running on this thread, if any (Spark's TaskContext.get()).
 * Layer: core. Runs in: driver and workers.
 *
 * Accumulators use it: an `add` inside a task goes to that task's own updates, which the driver
 * merges when the task succeeds; an `add` on the driver changes the value directly.
 */

/** What a running task exposes to library code. */
export interface TaskScope {
  readonly stageId: number;
  readonly partitionId: number;
  readonly attemptNumber: number;
  readonly taskId: number;
  /** Adds `value` to accumulator `id`'s update for this task, merging with `merge`. */
  addToAccumulator(id: number, value: unknown, merge: (a: unknown, b: unknown) => unknown): void;
}

let current: TaskScope | undefined;

/** The task running now on this thread, or undefined on the driver. @example `currentTaskScope()?.partitionId // undefined on the driver` */
export function currentTaskScope(): TaskScope | undefined {
  return current;
}

/**
 * Runs `body` with `scope` as the current task.
 *
 * @example
 * ```ts
 * withTaskScope(scope, () => currentTaskScope()?.taskId) // scope.taskId
 * ```
 */
export function withTaskScope<T>(scope: TaskScope, body: () => T): T {
  const previous = current;
  current = scope;
  try {
    return body();
  } finally {
    current = previous;
  }
}
