/**
 * The in-process backend: tasks run on the driver's own thread, one macrotask each, so up to
 * `cores` tasks per executor are in flight at once while the scheduler models every executor and
 * core. Deterministic and easy to debug; the threads backend runs the same task runner in workers.
 * Layer: scheduler. Runs in: driver.
 */
import { runTask } from '../executor/task-runner.js';
import type { TaskDescription, TaskRunResult } from '../task.js';
import type { SchedulerBackend, Slot } from './scheduler-backend.js';

interface Pending {
  readonly executorId: string;
  readonly resolve: (result: TaskRunResult) => void;
}

export class InProcessBackend implements SchedulerBackend {
  readonly name = 'inprocess';
  private readonly pending = new Map<number, Pending>();
  private readonly liveExecutors = new Set<string>();

  /** Marks an executor live; the scheduler calls it before placing tasks there. @example `backend.addExecutor('0', 2)` */
  addExecutor(executorId: string): void {
    this.liveExecutors.add(executorId);
  }

  /**
   * Removes an executor; its tasks that have not started resolve as lost.
   *
   * @example
   * ```ts
   * const pending = backend.runTask(task, { executorId: '0', core: 0 });
   * backend.removeExecutor('0');
   * await pending // { status: 'executorLost', message: 'Executor 0 was removed' }
   * ```
   */
  removeExecutor(executorId: string): void {
    this.liveExecutors.delete(executorId);
    for (const [taskId, p] of this.pending) {
      if (p.executorId === executorId) {
        this.pending.delete(taskId);
        p.resolve({ status: 'executorLost', message: `Executor ${executorId} was removed` });
      }
    }
  }

  /**
   * Runs `task` on this thread in the next macrotask (how the task scheduler launches a task).
   *
   * @example
   * ```ts
   * const result = await backend.runTask(task, { executorId: '0', core: 1 });
   * result.status // 'success', with result.value the partition's result, e.g. [2, 4, 6]
   * ```
   */
  runTask(task: TaskDescription, slot: Slot): Promise<TaskRunResult> {
    return new Promise((resolve) => {
      this.pending.set(task.taskId, { executorId: slot.executorId, resolve });
      setImmediate(() => {
        if (!this.pending.delete(task.taskId)) return; // killed or executor lost before it started
        resolve(runTask(task));
      });
    });
  }

  /**
   * Kills a task that has not started yet; a task that is already running finishes normally.
   *
   * @example
   * ```ts
   * const pending = backend.runTask(task, slot); // task.taskId is 3
   * backend.killTask(3, 'stage cancelled');
   * await pending // { status: 'killed', reason: 'stage cancelled' }
   * ```
   */
  killTask(taskId: number, reason: string): void {
    const p = this.pending.get(taskId);
    if (!p) return;
    this.pending.delete(taskId);
    p.resolve({ status: 'killed', reason });
  }

  /** Kills every pending task (reason 'the context stopped'). @example `await backend.stop() // pending tasks resolve as { status: 'killed', reason: 'the context stopped' }` */
  async stop(): Promise<void> {
    for (const [taskId] of this.pending) this.killTask(taskId, 'the context stopped');
  }
}
