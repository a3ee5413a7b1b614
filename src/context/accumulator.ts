/**
 * Accumulators: variables that tasks only add to and the driver reads (Spark's accumulators).
 * Updates made inside actions count once per successful task; inside transformations they may
 * count more than once (retries, recomputation), as in Spark. Layer: context. Runs in: driver and tasks.
 */
import { IllegalArgumentError } from '../core/errors.js';
import { currentTaskScope } from '../core/task-scope.js';

/** How to add values of type T (PySpark's AccumulatorParam). */
export interface AccumulatorParam<T> {
  /** The identity value, for a task's own updates. */
  zero(initial: T): T;
  /** Adds `b` to `a`, returning the sum (may mutate and return `a`). */
  addInPlace(a: T, b: T): T;
}

/** Adds numbers. */
export const numberParam: AccumulatorParam<number> = { zero: () => 0, addInPlace: (a, b) => a + b };

/**
 * A shared, add-only variable.
 *
 * @example
 * ```ts
 * const seen = ctx.accumulator(0);
 * await rdd.foreach((x) => seen.add(1));
 * seen.value // the number of records
 * ```
 */
export class Accumulator<T> {
  private current: T;

  /**
   * An accumulator with `initial` as its driver value; usually made by `ctx.accumulator`.
   *
   * @example
   * ```ts
   * const acc = new Accumulator(7, 10, { zero: () => 0, addInPlace: (a, b) => a + b });
   * acc.add(2); acc.value // 12
   * ```
   */
  constructor(
    readonly id: number,
    initial: T,
    readonly param: AccumulatorParam<T>,
  ) {
    this.current = initial;
  }

  /** The driver's value. Reading it inside a task is an error, as in Spark. @example `const acc = ctx.accumulator(0); await ctx.parallelize([1, 2, 3]).foreach((x) => acc.add(x)); acc.value // 6` */
  get value(): T {
    if (currentTaskScope()) {
      throw new IllegalArgumentError(`Accumulator ${this.id}.value cannot be read inside a task; tasks may only add to it. Read it on the driver after the action.`);
    }
    return this.current;
  }

  /** Sets the driver's value (only on the driver). */
  set value(v: T) {
    if (currentTaskScope()) throw new IllegalArgumentError(`Accumulator ${this.id}.value cannot be set inside a task; use add().`);
    this.current = v;
  }

  /** Adds `term`: to the running task's update inside a task, to the value on the driver. @example `const acc = ctx.accumulator(0); acc.add(5); acc.value // 5` */
  add(term: T): void {
    const scope = currentTaskScope();
    if (scope) scope.addToAccumulator(this.id, term, this.param.addInPlace as (a: unknown, b: unknown) => unknown);
    else this.current = this.param.addInPlace(this.current, term);
  }

  /** Merges a task's update (called by the scheduler on the driver). @example `const acc = ctx.accumulator(5); acc.merge(3); acc.value // 8` */
  merge(update: T): void {
    this.current = this.param.addInPlace(this.current, update);
  }

  /** The driver's value as a string. @example `String(ctx.accumulator(5)) // '5'` */
  toString(): string {
    return String(this.current);
  }
}
