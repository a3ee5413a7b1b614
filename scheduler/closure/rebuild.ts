/**
 * Rebuilds values captured by capture.ts (the wire format of wire.ts) inside a worker thread:
 * functions by value are evaluated again with `new Function` in a scope that declares their
 * captured variables by name; functions by reference are imported; broadcasts are decoded once
 * per worker. Layer: scheduler. Runs in: workers (and the driver in tests). It must not import
 * node:inspector or acorn, so that workers stay light.
 *
 * Dependencies of a function are rebuilt before the function itself (eagerly), so code that runs
 * at construction (a class's static block, decorators) sees them; only cycles (a recursive
 * function, two functions calling each other) are bound late, right after the function exists.
 *
 * Each rebuild gives fresh copies of captured data: mutating a captured variable in a task changes
 * the task's copy only, never the driver's (Spark semantics: use an accumulator to send data
 * back). Broadcast values are the exception: one copy per worker, shared by its tasks.
 */
import { Broadcast } from '../../src/context/broadcast.js';
import { deserialize } from '../../src/core/serializer.js';
import type { Captured, CapturedBroadcast, CapturedFunction, WireKey } from './wire.js';

/**
 * Rebuilds a captured value. Imports the modules that by-reference functions come from (hence
 * async); everything else is synchronous. Each rebuild gets its own copy of the captured data.
 *
 * @throws Error when a by-reference module or export cannot be loaded, or a global is missing on
 *   this thread; the message names the module, export or global.
 *
 * @example
 * ```ts
 * // worker
 * parentPort.on('message', async ({ captured, arg }) => {
 *   const fn = (await rebuildValue(captured)) as (x: unknown) => unknown;
 *   parentPort.postMessage(fn(arg));
 * });
 * ```
 */
export async function rebuildValue(captured: Captured): Promise<unknown> {
  const payloads = new Map<string, Captured>();
  const urls = new Set<string>();
  const data: unknown[] = [];
  collect(captured, urls, payloads, data);
  await Promise.all([...urls].filter((url) => !modules.has(url)).map(loadModule));
  let copies: Map<unknown, unknown> | undefined;
  if (data.length > 0) {
    // One structured clone for all of it, so objects shared between data nodes stay shared.
    const cloned = structuredClone(data);
    copies = new Map(data.map((original, i) => [original, cloned[i]]));
  }
  return new Rebuilder(payloads, copies).build(captured);
}

// ---- pinned buffers --------------------------------------------------------------------------

/**
 * Buffers of typed arrays inside broadcast values, which a worker keeps for many tasks: a task
 * result must copy them, never move them. (Other captured data is copied for each task.)
 */
const pinned = new WeakSet<ArrayBufferLike>();

function pin(value: unknown, depth: number): void {
  if (value === null || typeof value !== 'object' || depth > 4) return;
  if (ArrayBuffer.isView(value)) {
    pinned.add(value.buffer);
    return;
  }
  if (value instanceof ArrayBuffer) {
    pinned.add(value);
    return;
  }
  if (Array.isArray(value)) {
    for (const item of value) if (item !== null && typeof item === 'object') pin(item, depth + 1);
  } else if (value instanceof Map) {
    for (const [k, v] of value) {
      pin(k, depth + 1);
      pin(v, depth + 1);
    }
  } else if (value instanceof Set) {
    for (const item of value) pin(item, depth + 1);
  } else {
    for (const key of Object.keys(value)) pin((value as Record<string, unknown>)[key], depth + 1);
  }
}

/**
 * True when `buffer` belongs to data that a rebuilt function holds on this thread (so moving it
 * to another thread would detach it under the function's feet).
 *
 * @example
 * ```ts
 * const movable = buffers.filter((b) => !isPinnedBuffer(b));
 * ```
 */
export function isPinnedBuffer(buffer: ArrayBufferLike): boolean {
  return pinned.has(buffer);
}

// ---- modules ---------------------------------------------------------------------------------

const modules = new Map<string, Record<string, unknown>>();

async function loadModule(url: string): Promise<void> {
  try {
    modules.set(url, (await import(url)) as Record<string, unknown>);
  } catch (error) {
    const hint = url.includes('/dist/') ? ' (workers load the compiled build: run `npm run build`)' : '';
    throw new Error(`Cannot rebuild a captured function: importing ${url} failed${hint}: ${(error as Error).message}`, { cause: error });
  }
}

function moduleExport(url: string, name: string): unknown {
  const ns = modules.get(url) as Record<string, unknown>;
  if (name in ns) return ns[name];
  const fallback = ns.default as Record<string, unknown> | undefined;
  if (fallback !== null && (typeof fallback === 'object' || typeof fallback === 'function') && name in fallback) return fallback[name];
  throw new Error(`Cannot rebuild a captured function: module ${url} has no export "${name}" on this executor (is the build up to date?).`);
}

/** Walks a capture: module URLs to import, broadcast payloads to decode (once per worker), data objects. */
function collect(node: Captured, urls: Set<string>, payloads: Map<string, Captured>, data: unknown[]): void {
  const stack: Captured[] = [node];
  while (stack.length > 0) {
    const n = stack.pop() as Captured;
    switch (n.kind) {
      case 'module':
        urls.add(n.module);
        break;
      case 'broadcast':
        if (!broadcastCache.has(n.id) && !payloads.has(n.id)) {
          // A payload is decoded from bytes: its data is already private, so it is not collected.
          const payload = deserialize<Captured>(n.value);
          payloads.set(n.id, payload);
          collect(payload, urls, payloads, []);
        }
        break;
      case 'data':
        if (typeof n.value === 'object' && n.value !== null) data.push(n.value);
        break;
      case 'binary':
        // Views of shared memory stay shared; Buffers and DataViews are this rebuild's own copies.
        if (!(n.value.buffer instanceof SharedArrayBuffer)) data.push(n.value);
        break;
      case 'array':
        for (const item of n.items) if (item) stack.push(item);
        break;
      case 'object':
        for (const [, v] of n.entries) stack.push(v);
        break;
      case 'map':
        for (const [k, v] of n.entries) stack.push(k, v);
        break;
      case 'set':
        stack.push(...n.items);
        break;
      case 'function':
        for (const [, v] of n.free) stack.push(v);
        for (const [, v] of n.props ?? []) stack.push(v);
        break;
      case 'instance':
        stack.push(n.cls);
        for (const [, v] of n.fields) stack.push(v);
        break;
      default:
        break;
    }
  }
}

// ---- broadcasts ------------------------------------------------------------------------------

interface CachedBroadcast {
  readonly value: unknown;
  readonly bytes: number;
}

/** Rebuilt broadcast values by id, least recently used first. */
const broadcastCache = new Map<string, CachedBroadcast>();
let broadcastBytes = 0;
let broadcastLimit = 512 * 1024 * 1024;

function cacheBroadcast(id: string, entry: CachedBroadcast): void {
  broadcastCache.set(id, entry);
  broadcastBytes += entry.bytes;
  for (const [oldId, old] of broadcastCache) {
    if (broadcastBytes <= broadcastLimit || oldId === id) break;
    broadcastCache.delete(oldId);
    broadcastBytes -= old.bytes;
  }
}

/**
 * Drops this worker's copies of broadcast values (all when `ids` is omitted), for
 * `Broadcast.unpersist()`/`destroy()`. A later task that uses one decodes it again from its payload.
 *
 * @example
 * ```ts
 * forgetBroadcasts(['b3']); // in the worker, when the driver unpersists broadcast b3
 * ```
 */
export function forgetBroadcasts(ids?: readonly string[]): void {
  for (const id of ids ?? [...broadcastCache.keys()]) {
    const entry = broadcastCache.get(id);
    if (!entry) continue;
    broadcastCache.delete(id);
    broadcastBytes -= entry.bytes;
  }
}

/**
 * Wire ids of the broadcast values this thread keeps rebuilt, least recently used first.
 *
 * @example
 * ```ts
 * cachedBroadcastIds() // ['b3', 'a7'] inside a worker that ran tasks using them
 * ```
 */
export function cachedBroadcastIds(): string[] {
  return [...broadcastCache.keys()];
}

/**
 * Sets how many payload bytes of broadcast values a worker keeps (default 512 MiB); the least
 * recently used values are dropped first and decoded again when next used.
 *
 * @example
 * ```ts
 * setBroadcastCacheLimit(256 * 1024 * 1024);
 * ```
 */
export function setBroadcastCacheLimit(bytes: number): void {
  if (!(bytes >= 0)) throw new RangeError(`setBroadcastCacheLimit: bytes must be a non-negative number, got ${String(bytes)}.`);
  broadcastLimit = bytes;
}

// ---- functions -------------------------------------------------------------------------------

type Factory = (values: unknown[], method: (holder: object) => unknown) => [unknown, (index: number, value: unknown) => void];

/** Compiled factories by source text and captured names: V8 compiles each function once per worker. */
const factories = new Map<string, Factory>();
const FACTORY_LIMIT = 2048;

function factoryFor(node: CapturedFunction): Factory {
  const names = node.free.map(([name]) => name);
  const where = node.location ? `${node.location.url}:${node.location.line}:${node.location.column}` : '';
  const key = `${node.strict ? 's' : 'l'}${node.form[0]}${names.join(',')}\u0000${where}\u0000${node.source}`;
  let factory = factories.get(key);
  if (!factory) {
    factory = compileFactory(node, names);
    if (factories.size >= FACTORY_LIMIT) factories.delete(factories.keys().next().value as string);
    factories.set(key, factory);
  }
  return factory;
}

/**
 * Compiles `function (values, method) { let a = values[0], …; return [(source), setter] }`. When
 * the original location is known, the source is placed at its original line and column and the
 * script is named after the original file (`//# sourceURL`), so stack traces from the rebuilt
 * function point at the user's code. `new Function` puts two header lines before the body.
 */
function compileFactory(node: CapturedFunction, names: readonly string[]): Factory {
  const declare = names.length > 0 ? ` let ${names.map((name, i) => `${name} = __squall_values[${i}]`).join(', ')};` : '';
  const header = `${node.strict ? '"use strict"; ' : ''}return function (__squall_values, __squall_method) {${declare} `;
  const [open, close] = node.form === 'expression' ? ['return [(', '\n)'] : ['return [__squall_method({', '\n})'];
  const setter = names.length > 0 ? `(__squall_i, __squall_v) => { switch (__squall_i) { ${names.map((name, i) => `case ${i}: ${name} = __squall_v; break;`).join(' ')} } }` : '() => {}';
  const location = node.location;
  const placed =
    location && location.line >= 3
      ? `${header}${'\n'.repeat(location.line - 3)}${open}\n${' '.repeat(location.column)}${node.source}`
      : `${header}${open}${node.source}`;
  const body = `${placed}${close}, ${setter}];\n};${location ? `\n//# sourceURL=${location.url}` : ''}`;
  try {
    return new Function(body)() as Factory;
  } catch (error) {
    throw new Error(`Cannot rebuild captured function ${node.name || '(anonymous)'}: ${(error as Error).message}. Source: ${node.source.slice(0, 200)}`, { cause: error });
  }
}

/** Takes the one method out of `({ m() {…} })` (a getter or setter when that is what it is). */
function onlyMethod(holder: object): unknown {
  const key = Reflect.ownKeys(holder)[0] as PropertyKey;
  const d = Object.getOwnPropertyDescriptor(holder, key) as PropertyDescriptor;
  return d.value ?? d.get ?? d.set;
}

// ---- the rebuilder ---------------------------------------------------------------------------

const PENDING = Symbol('pending');

function toKey(key: WireKey): PropertyKey {
  return typeof key === 'string' ? key : Symbol.for(key.symbol);
}

function define(target: object, key: PropertyKey, value: unknown, enumerable = true): void {
  Object.defineProperty(target, key, { value, writable: true, enumerable, configurable: true });
}

class Rebuilder {
  private readonly slots = new Map<number, unknown>();
  /** Functions and instances under construction, with what to do once each exists (cycles). */
  private readonly waiting = new Map<number, Array<(value: unknown) => void>>();
  constructor(
    private readonly payloads: Map<string, Captured>,
    /** Copies of the capture's data objects, or undefined to use them as they are. */
    private readonly copies: Map<unknown, unknown> | undefined,
  ) {}

  /** Rebuilds `node`, then passes it to `assign` (now, or once a function it cycles through exists). */
  private fill(node: Captured, assign: (value: unknown) => void): void {
    const value = this.value(node);
    if (value !== PENDING) assign(value);
    else (this.waiting.get((node as { slot: number }).slot) as Array<(value: unknown) => void>).push(assign);
  }

  build(node: Captured): unknown {
    const value = this.value(node);
    if (value === PENDING) throw new Error('Cannot rebuild: the captured value refers to itself before it exists.');
    return value;
  }

  private value(node: Captured): unknown {
    switch (node.kind) {
      case 'prim':
        return node.value;
      case 'symbol':
        return Symbol.for(node.key);
      case 'data':
        return this.data(node.value);
      case 'backref':
        if (this.slots.has(node.slot)) return this.slots.get(node.slot);
        if (this.waiting.has(node.slot)) return PENDING;
        throw new Error(`Cannot rebuild: reference to unknown slot ${node.slot}.`);
      case 'binary': {
        let v = this.data(node.value) as ArrayBufferView | SharedArrayBuffer;
        if (node.sharedBuffer && ArrayBuffer.isView(v)) v = v.buffer as SharedArrayBuffer;
        else if (node.buffer && ArrayBuffer.isView(v)) v = Buffer.from(v.buffer, v.byteOffset, v.byteLength);
        this.slots.set(node.slot, v);
        return v;
      }
      case 'array': {
        const out: unknown[] = new Array(node.items.length);
        this.slots.set(node.slot, out);
        node.items.forEach((item, i) => {
          if (item) this.fill(item, (v) => (out[i] = v));
        });
        return out;
      }
      case 'object': {
        const out: Record<PropertyKey, unknown> = node.nullProto ? Object.create(null) : {};
        this.slots.set(node.slot, out);
        for (const [key, item] of node.entries) this.fill(item, (v) => define(out, toKey(key), v));
        return out;
      }
      case 'map': {
        const out = new Map<unknown, unknown>();
        this.slots.set(node.slot, out);
        for (const [k, v] of node.entries) {
          this.fill(k, (key) => {
            out.set(key, undefined);
            this.fill(v, (value) => out.set(key, value));
          });
        }
        return out;
      }
      case 'set': {
        const out = new Set<unknown>();
        this.slots.set(node.slot, out);
        for (const item of node.items) this.fill(item, (v) => out.add(v));
        return out;
      }
      case 'module': {
        const v = moduleExport(node.module, node.export);
        this.slots.set(node.slot, v);
        return v;
      }
      case 'global': {
        let v: unknown = globalThis;
        for (const part of node.path) {
          if (v === null || v === undefined || !(part in Object(v))) {
            throw new Error(`Cannot rebuild: the global ${node.path.join('.')} does not exist on this executor.`);
          }
          v = (v as Record<string, unknown>)[part];
        }
        this.slots.set(node.slot, v);
        return v;
      }
      case 'instance': {
        // The class first, so the instance is created with its prototype (fast property access).
        // While the class is being built the instance is pending: a reference back to it (a static
        // field holding the instance) is bound as soon as the instance exists.
        const pending: Array<(value: unknown) => void> = [];
        this.waiting.set(node.slot, pending);
        const cls = this.value(node.cls);
        const out: object = cls === PENDING ? Object.create(null) : Object.create((cls as { prototype: object }).prototype);
        if (cls === PENDING) this.fill(node.cls, (c) => Object.setPrototypeOf(out, (c as { prototype: object }).prototype));
        this.waiting.delete(node.slot);
        this.slots.set(node.slot, out);
        for (const assign of pending) assign(out);
        const hidden = new Set(node.hidden ?? []);
        for (const [key, item] of node.fields) this.fill(item, (v) => define(out, toKey(key), v, !(typeof key === 'string' && hidden.has(key))));
        return out;
      }
      case 'function':
        return this.fn(node);
      case 'broadcast':
        return this.broadcast(node);
    }
  }

  /**
   * Pure data: this rebuild's own copy. Copies are not pinned: they live only as long as the one
   * task that rebuilt them, so its result may move their buffers (views of shared memory are not
   * copied, and never move).
   */
  private data(value: unknown): unknown {
    return this.copies?.has(value) ? this.copies.get(value) : value;
  }

  private fn(node: CapturedFunction): unknown {
    const pending: Array<(value: unknown) => void> = [];
    this.waiting.set(node.slot, pending);
    const values: unknown[] = [];
    const late: Array<[number, number]> = [];
    node.free.forEach(([, item], i) => {
      const v = this.value(item);
      if (v === PENDING) {
        values.push(undefined);
        late.push([i, (item as { slot: number }).slot]);
      } else {
        values.push(v);
      }
    });
    const [fn, set] = factoryFor(node)(values, onlyMethod);
    if (typeof fn === 'function' && fn.name !== node.name) Object.defineProperty(fn, 'name', { value: node.name, configurable: true });
    this.waiting.delete(node.slot);
    this.slots.set(node.slot, fn);
    for (const [i, slot] of late) {
      const target = this.waiting.get(slot);
      if (target) target.push((v) => set(i, v));
      else set(i, this.slots.get(slot));
    }
    for (const assign of pending) assign(fn);
    for (const [key, item] of node.props ?? []) this.fill(item, (v) => define(fn as object, toKey(key), v));
    return fn;
  }

  private broadcast(node: CapturedBroadcast): unknown {
    const cached = broadcastCache.get(node.id);
    let value: unknown;
    if (cached) {
      broadcastCache.delete(node.id);
      broadcastCache.set(node.id, cached);
      value = cached.value;
    } else {
      const payload = this.payloads.get(node.id) ?? deserialize<Captured>(node.value);
      const inner = new Rebuilder(this.payloads, undefined).build(payload);
      value = node.broadcastId === undefined ? inner : new Broadcast(node.broadcastId, inner);
      pin(inner, 0);
      cacheBroadcast(node.id, { value, bytes: node.value.byteLength });
    }
    this.slots.set(node.slot, value);
    return value;
  }
}
