/**
 * A rough estimate of the bytes a value holds in memory, for block sizes in events and the UI.
 * Layer: core. Runs in: driver and workers.
 */

/**
 * Estimated bytes of `value`. Arrays longer than 64 items are estimated from a sample.
 *
 * @example
 * ```ts
 * estimateSize('abc') // 22
 * estimateSize([1, 2, 3]) // 64
 * estimateSize({ a: 1 }) // 50
 * ```
 */
export function estimateSize(value: unknown): number {
  switch (typeof value) {
    case 'number':
      return 8;
    case 'boolean':
      return 4;
    case 'string':
      return 16 + 2 * value.length;
    case 'bigint':
      return 16;
    case 'undefined':
      return 0;
    case 'object': {
      if (value === null) return 0;
      if (ArrayBuffer.isView(value)) return value.byteLength + 64;
      if (value instanceof ArrayBuffer) return value.byteLength;
      if (Array.isArray(value)) {
        const n = value.length;
        if (n <= 64) {
          let total = 16;
          for (const item of value) total += 8 + estimateSize(item);
          return total;
        }
        let sampled = 0;
        const step = n / 32;
        for (let i = 0; i < 32; i++) sampled += 8 + estimateSize(value[Math.floor(i * step)]);
        return 16 + Math.round((sampled / 32) * n);
      }
      if (value instanceof Map || value instanceof Set) return 64 + value.size * 48;
      let total = 24;
      for (const k of Object.keys(value)) total += 16 + 2 * k.length + estimateSize((value as Record<string, unknown>)[k]);
      return total;
    }
    default:
      return 8;
  }
}
