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

  addExecutor(executorId: string): void {
    this.liveExecutors.add(executorId);
  }

  removeExecutor(executorId: string): void {
    this.liveExecutors.delete(executorId);
    for (const [taskId, p] of this.pending) {
      if (p.executorId === executorId) {
        this.pending.delete(taskId);
        p.resolve({ status: 'executorLost', message: `Executor ${executorId} was removed` });
      }
    }
  }

  runTask(task: TaskDescription, slot: Slot): Promise<TaskRunResult> {
    return new Promise((resolve) => {
      this.pending.set(task.taskId, { executorId: slot.executorId, resolve });
      setImmediate(() => {
        if (!this.pending.delete(task.taskId)) return; // killed or executor lost before it started
        resolve(runTask(task));
      });
    });
  }

  killTask(taskId: number, reason: string): void {
    const p = this.pending.get(taskId);
    if (!p) return;
    this.pending.delete(taskId);
    p.resolve({ status: 'killed', reason });
  }

  async stop(): Promise<void> {
    for (const [taskId] of this.pending) this.killTask(taskId, 'the context stopped');
  }
}
