/**
 * takeSample's sizing rule (Spark's computeFractionForSampleSize): a fraction large enough that a
 * sample of it has at least `num` records with probability 99.99%, so that resampling is rare.
 * Layer: context. Runs in: driver.
 */

/**
 * The sampling fraction for `num` of `total` records.
 *
 * @example
 * ```ts
 * fractionForSampleSize(10, 1000, false) // 0.03711246244222553
 * fractionForSampleSize(10, 1000, true) // 0.03846049894151542
 * fractionForSampleSize(900, 1000, false) // 1
 * ```
 */
export function fractionForSampleSize(num: number, total: number, withReplacement: boolean): number {
  const p = num / total;
  if (withReplacement) {
    const k = num < 12 ? 9 : 5;
    return p + k * Math.sqrt(p / total);
  }
  const delta = 5e-5;
  const gamma = -Math.log(delta) / total;
  return Math.min(1, p + gamma + Math.sqrt(gamma * gamma + 2 * gamma * p));
}

/** The largest sample size takeSample accepts (as Spark limits it below the largest array size). */
export const MAX_SAMPLE_SIZE = 2147483647 - Math.floor(10 * Math.sqrt(2147483647));
