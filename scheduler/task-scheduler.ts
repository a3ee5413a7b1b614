/**
 * TaskScheduler: places tasks of the active task sets on free executor cores. Task sets are taken
 * FIFO (by job id, then stage id); each pass over the executors hands at most one task to each, so
 * work spreads over executors; never more tasks run on an executor than it has cores.
 * Layer: scheduler. Runs in: driver.
 *
 * Key concepts: an executor has `cores` slots; a running task holds one slot (one core index)
 * from launch until the backend reports its end. The TaskScheduler knows nothing of stages'
 * structure: it reports every task end to the DAGScheduler.
 *
 * When changing this file: `runningTasks` must be empty and every core free when no job runs
 * (see `bookkeeping()`, which the tests check after every job).
 */
import type { EventBus } from '../src/events/event-bus.js';
import type { TaskEndReason, TaskInfo, TaskMetrics } from '../src/events/listener-events.js';
import { emptyMetrics } from '../operators/task-context.js';
import type { SchedulerBackend } from './backend/scheduler-backend.js';
import type { FaultInjector } from './fault-injection.js';
import type { TaskDescription, TaskRunResult } from './task.js';
import type { Locality, TaskSetManager } from './task-set-manager.js';

/** The model of one executor: its cores and which are free. */
export interface ExecutorSlots {
  readonly id: string;
  readonly host: string;
  readonly cores: number;
  /** Free core indices (a stack). */
  readonly freeCores: number[];
}

/** A task in flight. */
export interface RunningTask {
  readonly task: TaskDescription;
  readonly manager: TaskSetManager;
  readonly info: TaskInfo;
}

/** What the TaskScheduler tells the DAGScheduler. */
export interface TaskSchedulerListener {
  /** Builds the task for `index` of `manager`, resolving its input blocks for `executorId`. */
  buildTask(manager: TaskSetManager, index: number, taskId: number, attempt: number, executorId: string): TaskDescription;
  /** A task ended (successfully or not). */
  taskEnded(running: RunningTask, result: TaskRunResult): void;
  /** A task of `manager` could not be launched at all; its stage must fail. */
  taskSetFailed(manager: TaskSetManager, error: unknown): void;
}

export class TaskScheduler {
  readonly executors = new Map<string, ExecutorSlots>();
  readonly taskSets: TaskSetManager[] = [];
  readonly runningTasks = new Map<number, RunningTask>();
  private nextTaskId = 0;
  private offerStart = 0;
  private reviveScheduled = false;
  private localityTimer: ReturnType<typeof setTimeout> | undefined;
  /** Largest number of tasks seen running at once on one executor. */
  maxConcurrentPerExecutor = 0;
  listener: TaskSchedulerListener | undefined;
  /** Fault injection, when a schedule was given. */
  faults: FaultInjector | undefined;
  /** How an injected executor kill is carried out (the Context replaces the executor). */
  onKillExecutor: ((executorId: string) => void) | undefined;

  constructor(
    private readonly backend: SchedulerBackend,
    private readonly bus: EventBus,
    private readonly localityWait: number,
  ) {}

  addExecutor(id: string, host: string, cores: number): void {
    const freeCores: number[] = [];
    for (let c = cores - 1; c >= 0; c--) freeCores.push(c);
    this.executors.set(id, { id, host, cores, freeCores });
    this.backend.addExecutor(id, cores);
  }

  /** Forgets an executor; the backend resolves its running tasks as lost. */
  removeExecutor(id: string): void {
    this.executors.delete(id);
    for (const manager of this.taskSets) manager.executorLost(id);
    this.backend.removeExecutor(id);
  }

  submitTaskSet(manager: TaskSetManager): void {
    this.taskSets.push(manager);
    this.taskSets.sort((a, b) => a.priority - b.priority || a.stage.id - b.stage.id);
    this.reviveOffers();
  }

  /** Stops launching the set's tasks and asks the backend to kill those running. */
  cancelTaskSet(manager: TaskSetManager, reason: string): void {
    manager.isZombie = true;
    for (const [taskId, running] of this.runningTasks) if (running.manager === manager) this.backend.killTask(taskId, reason);
    this.removeIfFinished(manager);
  }

  /** Schedules one offer round (coalesced: many triggers in one tick make one round). */
  reviveOffers(): void {
    if (this.reviveScheduled) return;
    this.reviveScheduled = true;
    queueMicrotask(() => {
      this.reviveScheduled = false;
      this.makeOffers();
    });
  }

  private makeOffers(): void {
    const executors = [...this.executors.values()];
    if (executors.length === 0 || this.taskSets.length === 0) return;
    // Rotate the starting executor between rounds so that work spreads (Spark shuffles offers).
    const start = this.offerStart++ % executors.length;
    const order = executors.slice(start).concat(executors.slice(0, start));
    const now = performance.now();
    let launched = true;
    while (launched) {
      launched = false;
      for (const executor of order) {
        if (executor.freeCores.length === 0) continue;
        for (const manager of this.taskSets) {
          const offer = manager.resourceOffer(executor.id, now);
          if (offer) {
            this.launch(manager, offer.index, offer.locality, executor);
            launched = true;
            break;
          }
        }
      }
    }
    this.armLocalityTimer();
  }

  /** Tasks waiting for a preferred executor get another offer round once the locality wait ends. */
  private armLocalityTimer(): void {
    if (this.localityTimer || !this.taskSets.some((m) => m.waitingForLocality && !m.isZombie)) return;
    let freeSlots = false;
    for (const e of this.executors.values()) if (e.freeCores.length > 0) freeSlots = true;
    if (!freeSlots) return;
    this.localityTimer = setTimeout(() => {
      this.localityTimer = undefined;
      this.reviveOffers();
    }, this.localityWait + 1);
  }

  private launch(manager: TaskSetManager, index: number, locality: Locality, executor: ExecutorSlots): void {
    const core = executor.freeCores.pop() as number;
    const taskId = this.nextTaskId++;
    const attempt = manager.attemptOf(index);
    const listener = this.listener as TaskSchedulerListener;
    let task: TaskDescription;
    let outcome: Promise<TaskRunResult>;
    try {
      task = listener.buildTask(manager, index, taskId, attempt, executor.id);
      const injected = this.faults?.failureFor(taskId, attempt);
      if (injected !== undefined) task = { ...task, injectedFailure: injected };
      // A backend that ships tasks captures them here: TaskNotSerializableError fails the stage.
      outcome = this.backend.runTask(task, { executorId: executor.id, core });
    } catch (error) {
      // The task could not even be built (its inputs could not be read): the stage fails, as
      // Spark aborts a task set whose tasks cannot be serialised, and the job rejects.
      executor.freeCores.push(core);
      manager.handleFailure(index, false);
      manager.isZombie = true;
      listener.taskSetFailed(manager, error);
      this.removeIfFinished(manager);
      return;
    }
    const info: TaskInfo = {
      taskId,
      index,
      attemptNumber: attempt,
      partitionId: task.partition,
      executorId: executor.id,
      host: executor.host,
      core,
      locality,
      launchTime: Date.now(),
      status: 'RUNNING',
    };
    const running: RunningTask = { task, manager, info };
    this.runningTasks.set(taskId, running);
    const busy = executor.cores - executor.freeCores.length;
    if (busy > this.maxConcurrentPerExecutor) this.maxConcurrentPerExecutor = busy;
    if (busy > executor.cores) throw new Error(`Executor ${executor.id} would run ${busy} tasks on ${executor.cores} cores`);
    if (this.bus.observed) {
      this.bus.post({ type: 'taskStart', time: info.launchTime, stageId: task.stageId, stageAttemptId: task.stageAttempt, taskInfo: info });
    }
    outcome.then(
      (result) => this.statusUpdate(taskId, result),
      (error: unknown) => this.statusUpdate(taskId, { status: 'executorLost', message: `Backend failed: ${String(error)}` }),
    );
    if (this.faults?.shouldKillAfterLaunch()) {
      const victim = executor.id;
      queueMicrotask(() => this.onKillExecutor?.(victim));
    }
  }

  private statusUpdate(taskId: number, result: TaskRunResult): void {
    const running = this.runningTasks.get(taskId);
    if (!running) return;
    this.runningTasks.delete(taskId);
    const executor = this.executors.get(running.info.executorId);
    if (executor) executor.freeCores.push(running.info.core);
    // Events are built only when someone listens: this path runs once per task.
    if (this.bus.observed) {
      const finishTime = Date.now();
      const info: TaskInfo = {
        ...running.info,
        finishTime,
        duration: finishTime - running.info.launchTime,
        status: result.status === 'success' ? 'SUCCESS' : result.status === 'killed' ? 'KILLED' : 'FAILED',
      };
      this.bus.post({
        type: 'taskEnd',
        time: finishTime,
        stageId: running.task.stageId,
        stageAttemptId: running.task.stageAttempt,
        taskType: running.task.kind === 'shuffleMap' ? 'ShuffleMapTask' : 'ResultTask',
        reason: endReason(result, running.info.executorId),
        taskInfo: info,
        metrics: metricsOf(result, running.info.launchTime),
      });
    }
    (this.listener as TaskSchedulerListener).taskEnded(running, result);
    this.removeIfFinished(running.manager);
    this.reviveOffers();
  }

  private removeIfFinished(manager: TaskSetManager): void {
    if ((manager.isDone || manager.isZombie) && manager.runningCount === 0) {
      const i = this.taskSets.indexOf(manager);
      if (i >= 0) {
        this.taskSets.splice(i, 1);
        this.backend.taskSetFinished?.(manager.stage.id, manager.stageAttempt);
      }
    }
    if (this.taskSets.length === 0 && this.localityTimer) {
      clearTimeout(this.localityTimer);
      this.localityTimer = undefined;
    }
  }

  /** Running tasks per executor. */
  runningPerExecutor(): Map<string, number> {
    const out = new Map<string, number>();
    for (const r of this.runningTasks.values()) out.set(r.info.executorId, (out.get(r.info.executorId) ?? 0) + 1);
    return out;
  }

  stop(): void {
    if (this.localityTimer) clearTimeout(this.localityTimer);
    this.localityTimer = undefined;
  }
}

function endReason(result: TaskRunResult, executorId: string): TaskEndReason {
  switch (result.status) {
    case 'success':
      return { kind: 'success' };
    case 'killed':
      return { kind: 'killed', reason: result.reason };
    case 'executorLost':
      return { kind: 'executorLost', executorId, message: result.message };
    case 'failed':
      if (result.fetchFailed) return { kind: 'fetchFailed', ...result.fetchFailed, message: result.error.message };
      return {
        kind: 'exception',
        className: result.error.name,
        message: result.error.message,
        ...(result.error.stack !== undefined ? { stack: result.error.stack } : {}),
        countTowardsTaskFailures: true,
      };
  }
}

const zeroMetrics: TaskMetrics = { ...emptyMetrics(), executorRunTime: 0, schedulerDelay: 0, executorDeserializeTime: 0 };

function metricsOf(result: TaskRunResult, launchTime: number): TaskMetrics {
  if (result.status !== 'success' && result.status !== 'failed') return zeroMetrics;
  return {
    ...result.metrics,
    executorRunTime: result.runTime,
    schedulerDelay: result.startedAt === undefined ? 0 : Math.max(0, result.startedAt - launchTime),
    executorDeserializeTime: result.deserializeTime ?? 0,
  };
}
