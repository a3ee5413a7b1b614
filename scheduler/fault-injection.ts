/**
 * Fault injection for tests and demonstrations: transient task failures with a given probability,
 * and killing the executor that runs the N-th task. Every decision comes from a seeded generator,
 * so a fault schedule is reproducible. Layer: scheduler. Runs in: driver.
 */
import { require } from '../src/core/errors.js';
import { SeededRandom } from '../src/core/random.js';

/** A fault schedule. */
export interface FaultInjectionOptions {
  /**
   * Probability that a task attempt fails before it computes anything. Only attempts that can
   * still be retried fail (attempt < maxFailures - 1), so every job still finishes.
   */
  readonly taskFailureProbability?: number;
  /** Kill the executor running every N-th launched task (replacements join at once). */
  readonly killExecutorAfterTasks?: number;
  /** At most this many executors are killed (default 1). */
  readonly maxExecutorKills?: number;
  /** Seed of the schedule (default 0). */
  readonly seed?: number;
}

/** Decides, task by task, which faults happen. */
export class FaultInjector {
  private readonly rng: SeededRandom;
  private launched = 0;
  private kills = 0;

  constructor(
    private readonly options: FaultInjectionOptions,
    private readonly maxFailures: number,
  ) {
    const p = options.taskFailureProbability ?? 0;
    require(p >= 0 && p <= 1, () => `taskFailureProbability must be in [0, 1], got ${p}.`);
    const n = options.killExecutorAfterTasks;
    require(n === undefined || (Number.isInteger(n) && n >= 1), () => `killExecutorAfterTasks must be an integer >= 1, got ${String(n)}.`);
    this.rng = new SeededRandom(options.seed ?? 0);
  }

  /** The failure message for this attempt, or undefined when it should run normally. */
  failureFor(taskId: number, attempt: number): string | undefined {
    const p = this.options.taskFailureProbability ?? 0;
    if (p === 0 || attempt >= this.maxFailures - 1) return undefined;
    return this.rng.nextDouble() < p ? `Injected transient failure of task ${taskId} (attempt ${attempt})` : undefined;
  }

  /** True when the executor of the task just launched should be killed. */
  shouldKillAfterLaunch(): boolean {
    this.launched++;
    const n = this.options.killExecutorAfterTasks;
    if (n === undefined || this.kills >= (this.options.maxExecutorKills ?? 1)) return false;
    if (this.launched % n !== 0) return false;
    this.kills++;
    return true;
  }
}
