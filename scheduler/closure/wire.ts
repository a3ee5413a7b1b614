/**
 * The wire format of captured closures (squall's answer to cloudpickle's pickle stream): a tagged
 * union of plain data that structured clone (postMessage to a worker thread) and msgpackr both
 * carry. `capture.ts` builds it on the driver; `rebuild.ts` turns it back into live values in a
 * worker. Layer: scheduler. Runs in: driver and workers (types and pure helpers only).
 *
 * Shape of a capture:
 * - pure data (primitives, arrays, plain objects, Map, Set, Date, RegExp, Error, typed arrays,
 *   ArrayBuffers, nested in any way) travels as one `data` node holding the value itself; structured
 *   clone copies it, keeping NaN, -0, undefined, bigint, shared references and cycles;
 * - objects that are not pure data become explicit nodes (`array`, `object`, `map`, `set`,
 *   `instance`, `function`) with a `slot` number; a second occurrence of the same object is a
 *   `backref` to that slot, so shared objects stay shared and cycles (a recursive function, two
 *   functions calling each other) are allowed;
 * - functions travel by value (`function`: source text plus captured free variables) or by
 *   reference (`module`: an export of an importable module; `global`: a standard global such as
 *   `Math.sqrt`);
 * - broadcast variables and captured values larger than 1 MB travel as `broadcast` nodes whose
 *   payload is a view of a SharedArrayBuffer, serialised once on the driver and rebuilt once per
 *   worker.
 *
 * No node holds a bare SharedArrayBuffer, only views of one, so a whole plan can be packed once
 * into shared memory (src/core/shared-packet.ts).
 */

/** A property key on the wire: a string, or a registered symbol (`Symbol.for(key)`). */
export type WireKey = string | { readonly symbol: string };

/** A captured value: plain, structured-clone-safe data describing how to rebuild it. */
export type Captured =
  | CapturedPrimitive
  | CapturedSymbol
  | CapturedData
  | CapturedBinary
  | CapturedArray
  | CapturedObject
  | CapturedMap
  | CapturedSet
  | CapturedFunction
  | CapturedModuleRef
  | CapturedGlobalRef
  | CapturedInstance
  | CapturedBroadcast
  | CapturedBackref;

/** undefined, null, a boolean, number (NaN and -0 included), string or bigint. */
export interface CapturedPrimitive {
  readonly kind: 'prim';
  readonly value: undefined | null | boolean | number | string | bigint;
}

/** A registered symbol, rebuilt as `Symbol.for(key)`. */
export interface CapturedSymbol {
  readonly kind: 'symbol';
  readonly key: string;
}

/**
 * A pure-data value kept as it is: primitives, arrays, plain objects, Map, Set, Date, RegExp,
 * standard Errors, typed arrays and ArrayBuffers, with no functions or class instances inside.
 */
export interface CapturedData {
  readonly kind: 'data';
  readonly value: unknown;
}

/** A Node Buffer, DataView, or typed array over a SharedArrayBuffer (which stays shared with the driver). */
export interface CapturedBinary {
  readonly kind: 'binary';
  readonly slot: number;
  readonly value: ArrayBufferView;
  /** Rebuild a Uint8Array as a Node Buffer. */
  readonly buffer?: true;
  /** The captured value was the SharedArrayBuffer itself: rebuild `value.buffer`. */
  readonly sharedBuffer?: true;
}

/** An array holding something that is not pure data. `null` items are holes. */
export interface CapturedArray {
  readonly kind: 'array';
  readonly slot: number;
  readonly items: ReadonlyArray<Captured | null>;
}

/** A plain object (prototype Object.prototype, or null when `nullProto`). */
export interface CapturedObject {
  readonly kind: 'object';
  readonly slot: number;
  readonly nullProto?: true;
  readonly entries: ReadonlyArray<readonly [WireKey, Captured]>;
}

/** A Map holding something that is not pure data. */
export interface CapturedMap {
  readonly kind: 'map';
  readonly slot: number;
  readonly entries: ReadonlyArray<readonly [Captured, Captured]>;
}

/** A Set holding something that is not pure data. */
export interface CapturedSet {
  readonly kind: 'set';
  readonly slot: number;
  readonly items: readonly Captured[];
}

/**
 * A function or class by value: its source text, evaluated in a scope that declares each captured
 * free variable (`let name = value`), so the rebuilt function sees them by name.
 */
export interface CapturedFunction {
  readonly kind: 'function';
  readonly slot: number;
  /** `Function.prototype.toString` of the function. */
  readonly source: string;
  /** `expression`: `(source)`; `method`: method shorthand, evaluated as `({ source })`. */
  readonly form: 'expression' | 'method';
  /** Rebuild in strict mode (false only for sloppy-mode `function`s). */
  readonly strict: boolean;
  /** The original `name`, restored when evaluation gives another. */
  readonly name: string;
  /** Captured free variables, by name. */
  readonly free: ReadonlyArray<readonly [string, Captured]>;
  /** Own enumerable properties of the function object (e.g. static fields, memo tables). */
  readonly props?: ReadonlyArray<readonly [WireKey, Captured]>;
  /**
   * Where the source text starts in its original script (0-based line and column), so that stack
   * traces from the rebuilt function name the original file and line.
   */
  readonly location?: { readonly url: string; readonly line: number; readonly column: number };
}

/** A function, class or other value exported by an importable module: `(await import(module))[export]`. */
export interface CapturedModuleRef {
  readonly kind: 'module';
  readonly slot: number;
  /** An import specifier: a `file:` URL or a `node:` builtin. */
  readonly module: string;
  /** The export name (`default` for the default export). */
  readonly export: string;
}

/** A standard global or a property path under one, such as `['Math', 'sqrt']` or `['console']`. */
export interface CapturedGlobalRef {
  readonly kind: 'global';
  readonly slot: number;
  readonly path: readonly string[];
}

/** An instance of a class: rebuilt with the class's prototype, then given its own fields. */
export interface CapturedInstance {
  readonly kind: 'instance';
  readonly slot: number;
  /** The class, by reference or by value. */
  readonly cls: Captured;
  /** Own fields, in order. */
  readonly fields: ReadonlyArray<readonly [WireKey, Captured]>;
  /** Names of fields that are not enumerable. */
  readonly hidden?: readonly string[];
}

/**
 * A value shipped once per worker instead of once per task: a `Broadcast` (rebuilt as a Broadcast
 * whose `.value` is the value) or a large captured value (rebuilt as the value itself). `value` is
 * a view of a SharedArrayBuffer holding the msgpackr-serialised capture of the value.
 */
export interface CapturedBroadcast {
  readonly kind: 'broadcast';
  readonly slot: number;
  /** Unique within the driver process; workers cache the rebuilt value under it. */
  readonly id: string;
  /** The Broadcast's own id when this is a Broadcast; absent for an automatic broadcast. */
  readonly broadcastId?: number;
  /** msgpackr bytes (src/core/serializer.ts) of the `Captured` of the value, in shared memory. */
  readonly value: Uint8Array;
}

/** A second occurrence of the object captured under `slot` (shared reference or cycle). */
export interface CapturedBackref {
  readonly kind: 'backref';
  readonly slot: number;
}

/**
 * The own-property marker of objects that must never travel to an executor (Context, RDD). Its
 * value may be a string naming the kind of object, used in the error message.
 *
 * @example
 * ```ts
 * Object.defineProperty(ctx, NOT_SERIALIZABLE, { value: 'Context' });
 * ```
 */
export const NOT_SERIALIZABLE: unique symbol = Symbol.for('squall.notSerializable');

/**
 * The broadcast nodes of a capture (for bookkeeping: which broadcasts a task uses), in order of
 * appearance, without duplicates.
 *
 * @example
 * ```ts
 * broadcastIds(captureFunction((x: number) => x * table.value[0])) // ['b1']
 * ```
 */
export function broadcastIds(captured: Captured): string[] {
  const ids = new Set<string>();
  visitCaptured(captured, (node) => {
    if (node.kind === 'broadcast') ids.add(node.id);
  });
  return [...ids];
}

/**
 * Calls `visit` on every node of a capture, depth first (broadcast payloads are not opened).
 *
 * @example
 * ```ts
 * visitCaptured(captured, (n) => { if (n.kind === 'module') console.log(n.module, n.export) })
 * ```
 */
export function visitCaptured(captured: Captured, visit: (node: Captured) => void): void {
  const stack: Captured[] = [captured];
  while (stack.length > 0) {
    const node = stack.pop() as Captured;
    visit(node);
    switch (node.kind) {
      case 'array':
        for (const item of node.items) if (item) stack.push(item);
        break;
      case 'object':
        for (const [, v] of node.entries) stack.push(v);
        break;
      case 'map':
        for (const [k, v] of node.entries) stack.push(k, v);
        break;
      case 'set':
        stack.push(...node.items);
        break;
      case 'function':
        for (const [, v] of node.free) stack.push(v);
        for (const [, v] of node.props ?? []) stack.push(v);
        break;
      case 'instance':
        stack.push(node.cls);
        for (const [, v] of node.fields) stack.push(v);
        break;
      default:
        break;
    }
  }
}
