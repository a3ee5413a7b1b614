/**
 * Shared packets (src/core/shared-packet.ts): a value packed once into shared memory comes back
 * with structured-clone fidelity, as this thread's own copy, except that views of a
 * SharedArrayBuffer stay views of the same memory.
 */
import { describe, expect, it } from 'vitest';
import { packShared, unpackShared } from '../../src/core/shared-packet.js';

describe('shared packets', () => {
  it('keep what structured clone keeps: Maps, Sets, Dates, bigints, -0, NaN, undefined, holes, cycles', () => {
    const value: Record<string, unknown> = {
      map: new Map<unknown, unknown>([[1, { x: 1n }], ['k', [undefined, null]]]),
      set: new Set(['a', 2]),
      date: new Date(86_400_000),
      negativeZero: -0,
      nan: NaN,
      missing: undefined,
      holes: [1, , 3], // eslint-disable-line no-sparse-arrays
      regexp: /a+b/gi,
    };
    value.self = value;
    const back = unpackShared<typeof value>(packShared(value));
    expect(back).not.toBe(value);
    expect(back.map).toEqual(value.map);
    expect(back.set).toEqual(value.set);
    expect(back.date).toEqual(value.date);
    expect(Object.is(back.negativeZero, -0)).toBe(true);
    expect(back.nan).toBeNaN();
    expect('missing' in back && back.missing === undefined).toBe(true);
    expect(1 in (back.holes as unknown[])).toBe(false);
    expect(String(back.regexp)).toBe('/a+b/gi');
    expect(back.self).toBe(back);
  });

  it('travel as shared memory: the packet is a SharedArrayBuffer, whatever the value holds', () => {
    const packet = packShared({ rows: new Float64Array(1000).fill(3) });
    expect(packet.bytes).toBeInstanceOf(SharedArrayBuffer);
    expect(packet.bytes.byteLength).toBeGreaterThanOrEqual(8000);
  });

  it('typed arrays over a SharedArrayBuffer stay views of the same memory; others are copies', () => {
    const sharedMemory = new SharedArrayBuffer(32);
    const shared = new Float64Array(sharedMemory, 8, 2);
    const own = new Int32Array([1, 2, 3]);
    const back = unpackShared<{ shared: Float64Array; own: Int32Array; again: Float64Array }>(packShared({ shared, own, again: shared }));
    expect(back.shared.buffer).toBe(sharedMemory);
    expect(back.shared.byteOffset).toBe(8);
    expect(back.shared.length).toBe(2);
    back.shared[0] = 42;
    expect(new Float64Array(sharedMemory)[1]).toBe(42);
    expect(back.again).toBe(back.shared);
    back.own[0] = 99;
    expect(own[0]).toBe(1);
  });

  it('views of one ArrayBuffer stay views of one (copied) buffer; a small view of a large buffer carries only its bytes', () => {
    const buffer = new ArrayBuffer(64);
    const a = new Float64Array(buffer);
    const b = new Uint8Array(buffer, 8, 40);
    const big = new ArrayBuffer(1 << 16);
    const small = new Uint16Array(big, 2, 3);
    small.set([7, 8, 9]);
    const packet = packShared({ a, b, small, node: Buffer.from('squall') });
    expect(packet.bytes.byteLength).toBeLessThan(1 << 12);
    const back = unpackShared<{ a: Float64Array; b: Uint8Array; small: Uint16Array; node: Buffer }>(packet);
    expect(back.a.buffer).toBe(back.b.buffer);
    expect(back.a.buffer).not.toBe(buffer);
    back.b[0] = 255;
    expect(new Uint8Array(back.a.buffer)[8]).toBe(255);
    expect([...back.small]).toEqual([7, 8, 9]);
    expect(Buffer.isBuffer(back.node) && back.node.toString()).toBe('squall');
  });

  it('each unpack gives its own copy', () => {
    const packet = packShared({ list: [1, 2, 3], table: new Float64Array([1, 2]) });
    const first = unpackShared<{ list: number[]; table: Float64Array }>(packet);
    first.list.push(4);
    first.table[0] = -1;
    const second = unpackShared<{ list: number[]; table: Float64Array }>(packet);
    expect(second.list).toEqual([1, 2, 3]);
    expect(second.table[0]).toBe(1);
  });

  it('refuses a bare SharedArrayBuffer and a function, saying what to do', () => {
    expect(() => packShared({ memory: new SharedArrayBuffer(8) })).toThrow(/bare SharedArrayBuffer: wrap it in a Uint8Array/);
    expect(() => packShared({ f: () => 1 })).toThrow();
  });
});
