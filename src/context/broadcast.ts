/**
 * Broadcast variables: a read-only value shipped once per executor instead of once per task.
 * Layer: context. Runs in: driver and tasks.
 */
import { IllegalArgumentError } from '../core/errors.js';

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

  constructor(
    readonly id: number,
    private readonly data: T,
  ) {}

  /** The value; fails after destroy(). */
  get value(): T {
    if (this.destroyed) {
      throw new IllegalArgumentError(`Attempted to use Broadcast(${this.id}) after it was destroyed. Create a new broadcast variable.`);
    }
    return this.data;
  }

  /** Drops executor copies; they are shipped again when next used. */
  unpersist(): void {}

  /** Destroys the variable: any later use fails. */
  destroy(): void {
    this.destroyed = true;
  }

  get isDestroyed(): boolean {
    return this.destroyed;
  }
}
