/**
 * Broadcast variables: a read-only value shipped once per executor instead of once per task. On
 * the threads backend its value is serialised once into shared memory and each worker rebuilds it
 * once; `unpersist()` makes workers drop their copies, `destroy()` frees the driver's too.
 * Layer: context. Runs in: driver and tasks.
 */
import { IllegalArgumentError } from '../core/errors.js';

/** How a Broadcast asks its Context to drop executor copies (and, when destroyed, its own). */
export type BroadcastRelease = (broadcast: Broadcast<unknown>, destroyed: boolean) => void;

/**
 * A read-only value for tasks.
 *
 * @example
 * ```ts
 * const lookup = ctx.broadcast(new Map([[1, 'a']]));
 * await rdd.map((k) => lookup.value.get(k)).collect();
 * ```
 */
export class Broadcast<T> {
  private destroyed = false;

  /**
   * A broadcast of `data`; usually made by `ctx.broadcast`, which also passes the release hook.
   *
   * @example
   * ```ts
   * const b = new Broadcast(3, 'x'); b.value // 'x'
   * ```
   */
  constructor(
    readonly id: number,
    private readonly data: T,
    private readonly release: BroadcastRelease = () => undefined,
  ) {}

  /** The value; fails after destroy(). @example `const factor = ctx.broadcast(3); await ctx.parallelize([1, 2]).map((x) => x * factor.value).collect() // [3, 6]` */
  get value(): T {
    if (this.destroyed) {
      throw new IllegalArgumentError(`Attempted to use Broadcast(${this.id}) after it was destroyed. Create a new broadcast variable.`);
    }
    return this.data;
  }

  /**
   * Drops the executors' copies of the value; a task that uses it later gets it again.
   *
   * @example
   * ```ts
   * table.unpersist(); // workers free their copies; the next job ships the value again
   * ```
   */
  unpersist(): void {
    if (!this.destroyed) this.release(this as Broadcast<unknown>, false);
  }

  /**
   * Destroys the variable: executor and driver copies are dropped, and any later use fails.
   *
   * @example
   * ```ts
   * table.destroy(); table.value // throws
   * ```
   */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.release(this as Broadcast<unknown>, true);
  }

  /** True once destroy() was called. @example `const b = ctx.broadcast([1, 2]); b.destroy(); b.isDestroyed // true` */
  get isDestroyed(): boolean {
    return this.destroyed;
  }
}
