/**
 * Keys of pair RDDs: value equality, a portable hash for partitioning, and a total order.
 * Layer: core. Runs in: driver and workers.
 *
 * JavaScript Maps compare objects by identity, but Spark compares keys by value (a tuple key
 * `(1, 'a')` equals another `(1, 'a')`). Primitive keys are used as they are; arrays, plain objects,
 * typed arrays and dates are compared through a canonical string encoding.
 */

/**
 * A canonical, type-tagged encoding of a key, equal for equal values.
 *
 * @example
 * ```ts
 * encodeKey([1, 'a']) // '[n1,s1:a]'
 * encodeKey({ b: 2, a: 1 }) === encodeKey({ a: 1, b: 2 }) // true
 * ```
 */
export function encodeKey(key: unknown): string {
  switch (typeof key) {
    case 'number':
      return Object.is(key, -0) ? 'n0' : `n${key}`;
    case 'string':
      return `s${key.length}:${key}`;
    case 'boolean':
      return key ? 'T' : 'F';
    case 'bigint':
      return `b${key}`;
    case 'undefined':
      return 'u';
    case 'object': {
      if (key === null) return 'z';
      if (Array.isArray(key)) return `[${key.map(encodeKey).join(',')}]`;
      if (ArrayBuffer.isView(key)) {
        const view = key as unknown as ArrayLike<unknown>;
        return `t${key.constructor.name}[${Array.from(view, encodeKey).join(',')}]`;
      }
      if (key instanceof Date) return `d${key.getTime()}`;
      if (key instanceof Map) return `M{${[...key].map(([k, v]) => `${encodeKey(k)}:${encodeKey(v)}`).sort().join(',')}}`;
      if (key instanceof Set) return `S{${[...key].map(encodeKey).sort().join(',')}}`;
      // Class instances are keyed by class name and fields, so equal fields of two classes differ.
      const proto = Object.getPrototypeOf(key) as { constructor?: { name?: string } } | null;
      const className = proto === null || proto === Object.prototype ? '' : (proto.constructor?.name ?? '?');
      const entries = Object.keys(key as object)
        .sort()
        .map((k) => `${encodeKey(k)}:${encodeKey((key as Record<string, unknown>)[k])}`);
      return `${className}{${entries.join(',')}}`;
    }
    default:
      return `?${String(key)}`;
  }
}

/** True when `key` is compared by encoding rather than by `===`. */
function isCompositeKey(key: unknown): key is object {
  return typeof key === 'object' && key !== null;
}

/**
 * A Map whose keys are compared by value, as Spark compares keys. Iterates in insertion order.
 *
 * @example
 * ```ts
 * const m = new KeyMap<number>(); m.set([1, 'a'], 5); m.get([1, 'a']) // 5
 * ```
 */
export class KeyMap<V> {
  private readonly primitive = new Map<unknown, [unknown, V]>();
  private readonly composite = new Map<string, [unknown, V]>();
  private readonly order: Array<[unknown, V]> = [];

  get size(): number {
    return this.order.length;
  }

  private entry(key: unknown): [unknown, V] | undefined {
    return isCompositeKey(key) ? this.composite.get(encodeKey(key)) : this.primitive.get(key);
  }

  get(key: unknown): V | undefined {
    return this.entry(key)?.[1];
  }

  has(key: unknown): boolean {
    return this.entry(key) !== undefined;
  }

  set(key: unknown, value: V): void {
    const existing = this.entry(key);
    if (existing) {
      existing[1] = value;
      return;
    }
    const fresh: [unknown, V] = [key, value];
    if (isCompositeKey(key)) this.composite.set(encodeKey(key), fresh);
    else this.primitive.set(key, fresh);
    this.order.push(fresh);
  }

  /** Entries as `[key, value]` pairs, in insertion order. */
  entries(): Array<[unknown, V]> {
    return this.order;
  }
}

/** Java's String.hashCode, a 32-bit signed integer. */
function stringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

const float64 = new Float64Array(1);
const float64Words = new Int32Array(float64.buffer);

/**
 * A hash that is the same in every process and thread (PySpark's `portable_hash`): small integers
 * hash to themselves, so `partitionBy` on integer keys spreads them like Python does.
 *
 * @example
 * ```ts
 * portableHash(7) // 7
 * portableHash('a') // 97
 * portableHash([1, 2]) // 219750523
 * ```
 */
export function portableHash(key: unknown): number {
  switch (typeof key) {
    case 'number':
      if (Number.isInteger(key) && key >= -2147483648 && key <= 2147483647) return key | 0;
      if (Number.isNaN(key)) return 0;
      float64[0] = key;
      return (float64Words[0]! ^ float64Words[1]!) | 0;
    case 'string':
      return stringHash(key);
    case 'boolean':
      return key ? 1 : 0;
    case 'undefined':
      return 0;
    case 'bigint':
      return stringHash(key.toString());
    case 'object':
      if (key === null) return 0;
      if (Array.isArray(key)) {
        // Tuple-style combination, as CPython 2.7 hashed tuples.
        let h = 0x345678;
        for (const item of key) h = (Math.imul(h, 1000003) ^ portableHash(item)) | 0;
        return (h ^ key.length) | 0;
      }
      return stringHash(encodeKey(key));
    default:
      return stringHash(String(key));
  }
}

/** `x mod n` in [0, n) (Spark's nonNegativeMod). @example `nonNegativeMod(-3, 4) // 1` */
export function nonNegativeMod(x: number, n: number): number {
  const r = x % n;
  return r < 0 ? r + n : r;
}

const typeRank: Record<string, number> = {
  undefined: 0,
  boolean: 1,
  number: 2,
  bigint: 2,
  string: 3,
  object: 4,
};

/**
 * The default ordering of values and keys: numbers numerically, strings by UTF-16 code units,
 * arrays lexicographically (Python's tuple order), NaN after every number (Java's Double.compare),
 * null and undefined first. Values of different
 * types are ordered by type (Python would raise TypeError; see docs/porting.md).
 *
 * @example
 * ```ts
 * defaultCompare(2, 10) // -1
 * defaultCompare([1, 'b'], [1, 'a']) // 1
 * [3, NaN, 1, null].sort(defaultCompare) // [null, 1, 3, NaN]
 * ```
 */
export function defaultCompare(a: unknown, b: unknown): number {
  if (a === b) return 0;
  const ta = a === null ? 'undefined' : typeof a;
  const tb = b === null ? 'undefined' : typeof b;
  if (ta !== tb && !(typeRank[ta] === 2 && typeRank[tb] === 2)) return (typeRank[ta] ?? 5) - (typeRank[tb] ?? 5);
  if (ta === 'number' || ta === 'bigint' || ta === 'string' || ta === 'boolean') {
    if (a !== a || b !== b) {
      // NaN equals NaN and sorts after every other number, as Java's Double.compare orders it.
      const aNaN = a !== a;
      const bNaN = b !== b;
      return aNaN && bNaN ? 0 : aNaN ? 1 : -1;
    }
    return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) {
      const c = defaultCompare(a[i], b[i]);
      if (c !== 0) return c;
    }
    return a.length - b.length;
  }
  if (a instanceof Date && b instanceof Date) return a.getTime() - b.getTime();
  const ea = encodeKey(a);
  const eb = encodeKey(b);
  return ea < eb ? -1 : ea > eb ? 1 : 0;
}
