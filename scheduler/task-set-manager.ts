/**
 * TaskSetManager: the tasks of one stage attempt. Hands out tasks to resource offers (preferring
 * the executor that caches a task's partition, with Spark's delay scheduling), and counts failures
 * per task, aborting the set after `maxFailures` failures of the same task.
 * Layer: scheduler. Runs in: driver.
 *
 * When changing this file: every collection here must be empty or settled when the set is done,
 * and the TaskScheduler removes the manager once it is done (or a zombie) with nothing running.
 */
import type { Stage } from './stage.js';

export type Locality = 'PROCESS_LOCAL' | 'NO_PREF' | 'ANY';

/** What the TaskSetManager decided after a failed attempt. */
export type FailureDecision = { readonly abort: false } | { readonly abort: true; readonly failures: number };

export class TaskSetManager {
  /** Partition computed by each task index. */
  readonly partitions: readonly number[];
  private readonly preferred: ReadonlyArray<readonly string[]>;
  private readonly pendingByExecutor = new Map<string, number[]>();
  private readonly pendingNoPref: number[] = [];
  private readonly pendingAll: number[] = [];
  private readonly running = new Set<number>();
  readonly successful: boolean[];
  readonly numFailures: number[];
  readonly attemptCounts: number[];
  tasksSuccessful = 0;
  /** No more tasks are launched (the stage failed, was cancelled, or a fetch failed). */
  isZombie = false;
  private lastLaunchTime: number;

  constructor(
    readonly stage: Stage,
    readonly stageAttempt: number,
    /** FIFO priority: the id of the job that submitted the set. */
    readonly priority: number,
    partitions: readonly number[],
    preferred: ReadonlyArray<readonly string[]>,
    private readonly maxFailures: number,
    private readonly localityWait: number,
    now: number,
  ) {
    this.partitions = partitions;
    this.preferred = preferred;
    this.successful = partitions.map(() => false);
    this.numFailures = partitions.map(() => 0);
    this.attemptCounts = partitions.map(() => 0);
    this.lastLaunchTime = now;
    // Pushed in reverse so that low indices are popped (launched) first, as in Spark.
    for (let i = partitions.length - 1; i >= 0; i--) this.addPending(i);
  }

  get numTasks(): number {
    return this.partitions.length;
  }

  get runningCount(): number {
    return this.running.size;
  }

  get isDone(): boolean {
    return this.tasksSuccessful === this.partitions.length;
  }

  /** True when the last offer was declined only because tasks wait for their preferred executor. */
  waitingForLocality = false;

  private addPending(index: number): void {
    const prefs = this.preferred[index] ?? [];
    for (const executorId of prefs) {
      let list = this.pendingByExecutor.get(executorId);
      if (!list) this.pendingByExecutor.set(executorId, (list = []));
      list.push(index);
    }
    if (prefs.length === 0) this.pendingNoPref.push(index);
    this.pendingAll.push(index);
  }

  private launchable(index: number): boolean {
    return !this.successful[index] && !this.running.has(index);
  }

  private popFrom(list: number[] | undefined): number | undefined {
    if (!list) return undefined;
    while (list.length > 0) {
      const index = list.pop() as number;
      if (this.launchable(index)) return index;
    }
    return undefined;
  }

  /**
   * A task to run on `executorId`, or undefined. Tasks that prefer another executor wait up to
   * `localityWait` ms since the last launch before they run elsewhere.
   */
  resourceOffer(executorId: string, now: number): { index: number; locality: Locality } | undefined {
    if (this.isZombie) return undefined;
    let index = this.popFrom(this.pendingByExecutor.get(executorId));
    let locality: Locality = 'PROCESS_LOCAL';
    if (index === undefined) {
      index = this.popFrom(this.pendingNoPref);
      locality = 'NO_PREF';
    }
    if (index === undefined) {
      if (now - this.lastLaunchTime >= this.localityWait) {
        index = this.popFrom(this.pendingAll);
        locality = 'ANY';
      } else {
        // Peek without consuming: is anything launchable left that prefers another executor?
        this.waitingForLocality = this.pendingAll.some((i) => this.launchable(i));
      }
    }
    if (index === undefined) return undefined;
    this.waitingForLocality = false;
    this.running.add(index);
    this.attemptCounts[index] = (this.attemptCounts[index] as number) + 1;
    if (locality !== 'ANY') this.lastLaunchTime = now;
    return { index, locality };
  }

  /** The attempt number the next launch of `index` gets (0-based). */
  attemptOf(index: number): number {
    return (this.attemptCounts[index] as number) - 1;
  }

  handleSuccess(index: number): void {
    this.running.delete(index);
    if (!this.successful[index]) {
      this.successful[index] = true;
      this.tasksSuccessful++;
    }
  }

  /**
   * Records a failed attempt. Counted failures (exceptions) abort the set at `maxFailures`;
   * lost executors and kills are retried without counting.
   */
  handleFailure(index: number, counted: boolean): FailureDecision {
    this.running.delete(index);
    if (this.successful[index] || this.isZombie) return { abort: false };
    if (counted) {
      const failures = (this.numFailures[index] as number) + 1;
      this.numFailures[index] = failures;
      if (failures >= this.maxFailures) {
        this.isZombie = true;
        return { abort: true, failures };
      }
    }
    this.addPending(index);
    return { abort: false };
  }

  /** A task that was running ended without a result (killed while the set is a zombie). */
  handleKilled(index: number): void {
    this.running.delete(index);
    if (!this.isZombie && !this.successful[index]) this.addPending(index);
  }

  /** Preferences on a lost executor no longer hold: its tasks fall back to no preference. */
  executorLost(executorId: string): void {
    const list = this.pendingByExecutor.get(executorId);
    this.pendingByExecutor.delete(executorId);
    if (list) for (const index of list) if (this.launchable(index)) this.pendingNoPref.push(index);
  }
}
