/**
 * The record serialiser for shuffle blocks, MEMORY_ONLY_SER and DISK_ONLY blocks and object files:
 * msgpackr, with bigints and typed arrays kept. Layer: core. Runs in: driver and workers.
 *
 * Class instances come back as plain objects (their prototype does not travel), as with any
 * serialised Spark record that is not a registered type; see docs/porting.md.
 */
import { Packr } from 'msgpackr';

const packr = new Packr({ useBigIntExtension: true, moreTypes: true });

/** Packs `value` into bytes. @example `serialize({ a: [1, 2n] }) // Uint8Array` */
export function serialize(value: unknown): Uint8Array {
  return packr.pack(value);
}

/** Unpacks bytes made by `serialize`. @example `deserialize(serialize({ a: [1, 2n] })) // { a: [1, 2n] }` */
export function deserialize<T = unknown>(bytes: Uint8Array): T {
  return packr.unpack(bytes) as T;
}
