/**
 * Seeded random numbers: a xorshift generator whose seed is mixed by MurmurHash3's finaliser, as
 * Spark's XORShiftRandom mixes its seed. Deterministic for a (seed, partition index) pair.
 * Layer: core. Runs in: driver and workers.
 */

/** Mixes 32 bits (MurmurHash3's fmix32). @example `mix32(1) // 1364076727` */
export function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * A small, fast, seedable generator (xoshiro128** over four 32-bit words).
 *
 * @example
 * ```ts
 * const r = new SeededRandom(42); r.nextDouble(); // same value on every run
 * ```
 */
export class SeededRandom {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    // Split the (up to 53-bit) seed into two words and mix each, so nearby seeds diverge.
    const lo = seed >>> 0;
    const hi = Math.floor(seed / 4294967296) >>> 0;
    this.a = mix32(lo ^ 0x9e3779b9);
    this.b = mix32(hi ^ 0x85ebca6b ^ this.a);
    this.c = mix32(this.a ^ 0xc2b2ae35);
    this.d = mix32(this.b ^ 0x27d4eb2f) | 1;
  }

  /** The next 32 random bits as an unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9);
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return result >>> 0;
  }

  /** A uniform double in [0, 1) with 53 random bits. */
  nextDouble(): number {
    const hi = this.nextUint32() >>> 5;
    const lo = this.nextUint32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** A uniform integer in [0, bound). */
  nextInt(bound: number): number {
    return Math.floor(this.nextDouble() * bound);
  }

  /** A non-negative integer seed suitable for another generator. */
  nextSeed(): number {
    return this.nextUint32() * 2097152 + (this.nextUint32() >>> 11);
  }

  /** A Poisson(mean) draw: Knuth's product of uniforms below mean 20, else summed exponentials. */
  nextPoisson(mean: number): number {
    if (mean <= 0) return 0;
    if (mean < 20) {
      const limit = Math.exp(-mean);
      let k = 0;
      let p = this.nextDouble();
      while (p > limit) {
        k++;
        p *= this.nextDouble();
      }
      return k;
    }
    let k = 0;
    let t = -Math.log(1 - this.nextDouble()) / mean;
    while (t < 1) {
      k++;
      t += -Math.log(1 - this.nextDouble()) / mean;
    }
    return k;
  }

  /** Shuffles `items` in place (Fisher-Yates) and returns it. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.nextInt(i + 1);
      const t = items[i] as T;
      items[i] = items[j] as T;
      items[j] = t;
    }
    return items;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/**
 * The seed of partition `index` for a user seed: PySpark's `seed ^ index` idea, then mixed, so the
 * sample of a partition never depends on which executor, core or thread computes it.
 *
 * @example
 * ```ts
 * partitionSeed(42, 0) // 2874909604061535
 * partitionSeed(42, 1) // 2273523907981178
 * ```
 */
export function partitionSeed(seed: number, index: number): number {
  const hi = Math.floor(seed / 4294967296) >>> 0;
  const low = mix32((seed >>> 0) ^ mix32(index + 0x632be5ab));
  const high = mix32(hi ^ mix32(index + 0x2545f491)) % 2097152;
  return high * 4294967296 + low;
}

/** A fresh random seed, used when the caller gives none (fixed once, when the RDD is defined). @example `const s = seed ?? randomSeed() // an integer in [0, 2^53 - 1)` */
export function randomSeed(): number {
  return Math.floor(Math.random() * 9007199254740991);
}
