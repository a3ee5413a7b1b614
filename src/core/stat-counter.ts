/**
 * StatCounter: count, mean, variance, max and min in one pass (Welford), mergeable across
 * partitions (Chan et al.), as Spark's StatCounter. Layer: core. Runs in: driver and workers.
 */

/**
 * Running statistics of numbers.
 *
 * @example
 * ```ts
 * const s = new StatCounter([1, 2, 3, 4]);
 * s.mean(); // 2.5
 * s.variance(); // 1.25 (population)
 * s.sampleVariance(); // 1.6666666666666667
 * ```
 */
export class StatCounter {
  private n = 0;
  private mu = 0;
  private m2 = 0;
  private maxValue = Number.NEGATIVE_INFINITY;
  private minValue = Number.POSITIVE_INFINITY;

  /** Starts empty, or with `values` merged in. @example `new StatCounter([1, 2, 3, 4]).count() // 4` */
  constructor(values?: Iterable<number>) {
    if (values) for (const v of values) this.merge(v);
  }

  /** Adds one value (Welford's update). Returns this. @example `new StatCounter().merge(5).merge(7).mean() // 6` */
  merge(value: number): this {
    const delta = value - this.mu;
    this.n += 1;
    this.mu += delta / this.n;
    this.m2 += delta * (value - this.mu);
    if (value > this.maxValue) this.maxValue = value;
    if (value < this.minValue) this.minValue = value;
    return this;
  }

  /** Merges another counter into this one (Chan et al.). Returns this. @example `new StatCounter([1, 2]).mergeStats(new StatCounter([3, 4])).mean() // 2.5` */
  mergeStats(other: StatCounter): this {
    if (other === this) return this.mergeStats(other.copy());
    if (this.n === 0) {
      this.n = other.n;
      this.mu = other.mu;
      this.m2 = other.m2;
      this.maxValue = other.maxValue;
      this.minValue = other.minValue;
      return this;
    }
    if (other.n === 0) return this;
    const delta = other.mu - this.mu;
    const total = this.n + other.n;
    if (other.n * 10 < this.n) this.mu = this.mu + (delta * other.n) / total;
    else if (this.n * 10 < other.n) this.mu = other.mu - (delta * this.n) / total;
    else this.mu = (this.mu * this.n + other.mu * other.n) / total;
    this.m2 += other.m2 + (delta * delta * this.n * other.n) / total;
    this.n = total;
    this.maxValue = Math.max(this.maxValue, other.maxValue);
    this.minValue = Math.min(this.minValue, other.minValue);
    return this;
  }

  /**
   * An independent copy.
   *
   * @example
   * ```ts
   * const s = new StatCounter([1, 2, 3, 4]); const c = s.copy().merge(10);
   * s.count(); // 4
   * c.count(); // 5
   * ```
   */
  copy(): StatCounter {
    const c = new StatCounter();
    c.n = this.n;
    c.mu = this.mu;
    c.m2 = this.m2;
    c.maxValue = this.maxValue;
    c.minValue = this.minValue;
    return c;
  }

  /** The number of values. @example `new StatCounter([1, 2, 3, 4]).count() // 4` */
  count(): number {
    return this.n;
  }
  /** The mean; 0 when empty. @example `new StatCounter([1, 2, 3, 4]).mean() // 2.5` */
  mean(): number {
    return this.mu;
  }
  /** The sum. @example `new StatCounter([1, 2, 3, 4]).sum() // 10` */
  sum(): number {
    return this.n * this.mu;
  }
  /** The largest value; -Infinity when empty. @example `new StatCounter([1, 2, 3, 4]).max() // 4` */
  max(): number {
    return this.maxValue;
  }
  /** The smallest value; Infinity when empty. @example `new StatCounter([1, 2, 3, 4]).min() // 1` */
  min(): number {
    return this.minValue;
  }
  /** Population variance, m2/n; NaN when empty. @example `new StatCounter([1, 2, 3, 4]).variance() // 1.25` */
  variance(): number {
    return this.n === 0 ? Number.NaN : this.m2 / this.n;
  }
  /** Sample variance, m2/(n-1); NaN when fewer than two values. @example `new StatCounter([1, 2, 3, 4]).sampleVariance() // 1.6666666666666667` */
  sampleVariance(): number {
    return this.n <= 1 ? Number.NaN : this.m2 / (this.n - 1);
  }
  /** Population standard deviation. @example `new StatCounter([2, 4, 4, 4, 5, 5, 7, 9]).stdev() // 2` */
  stdev(): number {
    return Math.sqrt(this.variance());
  }
  /** Sample standard deviation. @example `new StatCounter([1, 2, 3, 4]).sampleStdev() // 1.2909944487358056` */
  sampleStdev(): number {
    return Math.sqrt(this.sampleVariance());
  }

  /**
   * The statistics as a plain object (population variance; PySpark's inverted flag is not copied).
   *
   * @example
   * ```ts
   * new StatCounter([1, 2, 3, 4]).asDict()
   * // { count: 4, mean: 2.5, sum: 10, min: 1, max: 4, stdev: 1.118033988749895, variance: 1.25 }
   * ```
   */
  asDict(): { count: number; mean: number; sum: number; min: number; max: number; stdev: number; variance: number } {
    return {
      count: this.n,
      mean: this.mu,
      sum: this.sum(),
      min: this.minValue,
      max: this.maxValue,
      stdev: this.stdev(),
      variance: this.variance(),
    };
  }

  /** Plain data for crossing threads. @example `new StatCounter([1, 2, 3, 4]).toJSON() // { n: 4, mu: 2.5, m2: 5, max: 4, min: 1 }` */
  toJSON(): { n: number; mu: number; m2: number; max: number; min: number } {
    return { n: this.n, mu: this.mu, m2: this.m2, max: this.maxValue, min: this.minValue };
  }

  /** Rebuilds a counter from `toJSON()` data. @example `StatCounter.fromJSON(new StatCounter([1, 2, 3, 4]).toJSON()).mean() // 2.5` */
  static fromJSON(data: { n: number; mu: number; m2: number; max: number; min: number }): StatCounter {
    const c = new StatCounter();
    c.n = data.n;
    c.mu = data.mu;
    c.m2 = data.m2;
    c.maxValue = data.max;
    c.minValue = data.min;
    return c;
  }

  /** Spark's summary line. @example `String(new StatCounter([2, 4, 6])) // '(count: 3, mean: 4, stdev: 1.632993161855452, max: 6, min: 2)'` */
  toString(): string {
    return `(count: ${this.n}, mean: ${this.mu}, stdev: ${this.stdev()}, max: ${this.maxValue}, min: ${this.minValue})`;
  }
}
