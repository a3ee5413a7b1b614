/**
 * Deep copies of "zero" values, so each partition folds into its own copy as Spark's serialised
 * zero values do. Layer: core. Runs in: driver and workers.
 */

/**
 * A deep copy of `value`; primitives are returned as they are.
 *
 * @example
 * ```ts
 * const zero = { n: [0] };
 * cloneValue(zero) // { n: [0] }, a new object (!== zero)
 * cloneValue(5) // 5
 * ```
 */
export function cloneValue<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  return structuredClone(value);
}
