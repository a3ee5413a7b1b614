/**
 * Shared packets: a value serialised once into shared memory, so that sending it to a worker thread
 * again and again costs a handle, not a copy. The encoding is V8's structured serialisation (what
 * postMessage uses: Maps, Sets, Dates, bigints, -0, undefined, cycles and shared references all
 * survive), except that typed arrays over a SharedArrayBuffer stay views of that same memory.
 * Layer: core. Runs in: driver (pack) and workers (unpack).
 *
 * A bare SharedArrayBuffer cannot be packed (V8 gives no way to read one back by id): wrap it in a
 * Uint8Array view first.
 */
import { Deserializer, Serializer } from 'node:v8';

/** The bytes of a packed value, and the shared buffers its views point into. */
export interface SharedPacket {
  /** Structured-serialisation bytes. */
  readonly bytes: SharedArrayBuffer;
  /** SharedArrayBuffers referred to by index from `bytes`. */
  readonly shared: readonly SharedArrayBuffer[];
}

/** View constructors by the tag written for them; Buffer last (it is also a Uint8Array). */
const VIEW_TYPES = [
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
  DataView,
  Buffer,
] as const;
const BUFFER_TAG = VIEW_TYPES.length - 1;
const DATAVIEW_TAG = VIEW_TYPES.indexOf(DataView);

/** Views smaller than this share of a larger buffer carry only their own bytes. */
const WHOLE_BUFFER_SHARE = 0.5;

const enum Storage {
  /** The view's own bytes follow (a small view of a large buffer, e.g. a pooled Buffer). */
  Own = 0,
  /** The whole underlying ArrayBuffer follows as a value, so views of one buffer stay aliased. */
  Whole = 1,
  /** The view points into `shared[index]`. */
  Shared = 2,
}

class PacketSerializer extends Serializer {
  readonly shared: SharedArrayBuffer[] = [];

  constructor() {
    super();
    // Undocumented in @types/node but public in Node's v8 module (DefaultSerializer calls it too).
    (this as unknown as { _setTreatArrayBufferViewsAsHostObjects(flag: boolean): void })._setTreatArrayBufferViewsAsHostObjects(true);
  }

  _writeHostObject(view: ArrayBufferView): void {
    const tag = Buffer.isBuffer(view) ? BUFFER_TAG : VIEW_TYPES.indexOf(view.constructor as (typeof VIEW_TYPES)[number]);
    if (tag < 0) throw new TypeError(`Cannot pack a ${view.constructor.name}: only standard typed arrays, DataViews and Buffers travel.`);
    this.writeUint32(tag);
    const buffer = view.buffer as ArrayBuffer | SharedArrayBuffer;
    if (buffer instanceof SharedArrayBuffer) {
      let index = this.shared.indexOf(buffer);
      if (index < 0) index = this.shared.push(buffer) - 1;
      this.writeUint32(Storage.Shared);
      this.writeUint32(index);
      this.writeUint32(view.byteOffset);
      this.writeUint32(view.byteLength);
    } else if (view.byteLength >= WHOLE_BUFFER_SHARE * buffer.byteLength) {
      this.writeUint32(Storage.Whole);
      this.writeUint32(view.byteOffset);
      this.writeUint32(view.byteLength);
      this.writeValue(buffer);
    } else {
      this.writeUint32(Storage.Own);
      this.writeUint32(view.byteLength);
      this.writeRawBytes(new Uint8Array(buffer, view.byteOffset, view.byteLength).slice());
    }
  }

  _getSharedArrayBufferId(): number {
    throw new TypeError('Cannot pack a bare SharedArrayBuffer: wrap it in a Uint8Array (its view stays shared).');
  }
}

class PacketDeserializer extends Deserializer {
  constructor(
    source: Uint8Array,
    private readonly shared: readonly SharedArrayBuffer[],
  ) {
    super(source);
  }

  _readHostObject(): ArrayBufferView {
    const tag = this.readUint32();
    const storage = this.readUint32() as Storage;
    let buffer: ArrayBufferLike;
    let byteOffset: number;
    let byteLength: number;
    if (storage === Storage.Shared) {
      const index = this.readUint32();
      const found = this.shared[index];
      if (found === undefined) throw new RangeError(`Shared packet refers to shared buffer ${index}, but only ${this.shared.length} came with it.`);
      buffer = found;
      byteOffset = this.readUint32();
      byteLength = this.readUint32();
    } else if (storage === Storage.Whole) {
      byteOffset = this.readUint32();
      byteLength = this.readUint32();
      buffer = this.readValue() as ArrayBuffer;
    } else {
      byteLength = this.readUint32();
      buffer = new Uint8Array(this.readRawBytes(byteLength)).buffer; // a copy, aligned at 0
      byteOffset = 0;
    }
    if (tag === BUFFER_TAG) return Buffer.from(buffer as ArrayBuffer, byteOffset, byteLength);
    if (tag === DATAVIEW_TAG) return new DataView(buffer as ArrayBuffer, byteOffset, byteLength);
    const View = VIEW_TYPES[tag] as Exclude<(typeof VIEW_TYPES)[number], typeof DataView | typeof Buffer>;
    if (View === undefined) throw new RangeError(`Shared packet holds an unknown view tag ${tag}.`);
    return new View(buffer as ArrayBuffer, byteOffset, byteLength / View.BYTES_PER_ELEMENT);
  }
}

/**
 * Packs `value` once into shared memory.
 *
 * @throws TypeError for what structured serialisation refuses (functions, symbols, class
 *   instances keep only their own fields) and for a bare SharedArrayBuffer.
 *
 * @example
 * ```ts
 * const packet = packShared({ weights: new Float64Array([1, 2]), names: new Map([[1, 'a']]) });
 * worker.postMessage(packet); // a handle to the bytes, however large the value
 * ```
 */
export function packShared(value: unknown): SharedPacket {
  const serializer = new PacketSerializer();
  serializer.writeHeader();
  serializer.writeValue(value);
  const written = serializer.releaseBuffer();
  const bytes = new SharedArrayBuffer(written.byteLength);
  new Uint8Array(bytes).set(written);
  return { bytes, shared: serializer.shared };
}

/**
 * Unpacks a packet into this thread's own copy of the value. Typed arrays that were views of a
 * SharedArrayBuffer are views of the same memory again; everything else is a fresh copy.
 *
 * @example
 * ```ts
 * const { weights, names } = unpackShared<{ weights: Float64Array; names: Map<number, string> }>(packet);
 * ```
 */
export function unpackShared<T = unknown>(packet: SharedPacket): T {
  // Copy the bytes out first: views made while reading may point into the source bytes.
  const source = new Uint8Array(packet.bytes).slice();
  const deserializer = new PacketDeserializer(source, packet.shared);
  deserializer.readHeader();
  return deserializer.readValue() as T;
}
