/**
 * The per-partition half of an action: a terminal for the fused loop, and a function that turns the
 * terminal's value into the partition's result. The driver half (merging partition results) lives
 * with the action in the facade. Layer: operators. Runs in: driver (in-process) and workers.
 */
import type { Terminal } from './terminal.js';

/** What a result task computes for one partition. */
export interface ResultFunction<R = unknown> {
  /** Names the action, for plans and worker-side lookup. */
  readonly name: string;
  readonly terminal: Terminal;
  /** Turns the terminal's value (array or fold accumulator) into the partition's result. */
  finish(value: unknown, partition: number): R;
}

/**
 * A result function that returns the partition's records as a plain array.
 *
 * @example
 * ```ts
 * collectPartition().terminal // { kind: 'array' }
 * collectPartition(5).terminal // { kind: 'array', limit: 5 }
 * collectPartition().finish([1, 2], 0) // [1, 2]
 * ```
 */
export function collectPartition(limit?: number): ResultFunction<unknown[]> {
  return {
    name: 'collect',
    terminal: limit === undefined ? { kind: 'array' } : { kind: 'array', limit },
    finish: (value) => (Array.isArray(value) ? (value as unknown[]).slice() : Array.from(value as ArrayLike<unknown>)),
  };
}

/**
 * A result function that folds the partition with `step` from `zero()`.
 *
 * @example
 * ```ts
 * const sum = foldPartition('sum', () => 0, (acc, r) => acc + (r as number));
 * sum.terminal.kind // 'fold'
 * ```
 */
export function foldPartition<A>(name: string, zero: () => A, step: (acc: A, record: unknown) => A): ResultFunction<A> {
  return { name, terminal: { kind: 'fold', zero, step: step as (acc: unknown, r: unknown) => unknown }, finish: (value) => value as A };
}
