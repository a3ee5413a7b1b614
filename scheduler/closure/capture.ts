/**
 * Closure capture (squall's cloudpickle): turns a function, with everything it captures, into the
 * plain `Captured` data of wire.ts so that a worker thread can rebuild it (rebuild.ts).
 * Layer: scheduler. Runs in: driver only (uses node:inspector and acorn).
 *
 * How a function is captured:
 * 1. its free variables come from its source text (free-variables.ts: acorn + eslint-scope);
 * 2. their values come from V8's scope chain, read through an in-process `node:inspector` session
 *    (`[[Scopes]]` of the function, materialised in one `Runtime.callFunctionOn`) and filtered to
 *    exactly the free variables, since V8's scope objects also hold unrelated variables;
 * 3. a function or class exported by an importable module travels by reference
 *    (`{ module, export }`): its module comes from `[[FunctionLocation]]` and the Debugger's
 *    `scriptParsed` URLs. This repository's TypeScript sources map to their build in `dist/`
 *    (workers load the build). Standard globals such as `Math.sqrt` travel by their global path;
 * 4. anything else travels by value (source text plus captured variables, recursively; cycles are
 *    allowed). Values are read afresh at each capture, as PySpark snapshots at pickling time.
 *
 * What cannot travel is refused here, at capture time, with a TaskNotSerializableError that names
 * the captured variable and says how to fix the code.
 */
import { EventEmitter } from 'node:events';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import inspector from 'node:inspector';
import { createRequire } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { types } from 'node:util';
import { Broadcast } from '../../src/context/broadcast.js';
import { TaskNotSerializableError } from '../../src/core/errors.js';
import { serialize } from '../../src/core/serializer.js';
import { estimateSize } from '../../src/core/size-estimate.js';
import { analyzeFunction, exportTable, type ExportTable, type FunctionAnalysis } from './free-variables.js';
import { NOT_SERIALIZABLE, type Captured, type CapturedBroadcast, type CapturedFunction, type WireKey } from './wire.js';

/** Options of a capture. */
export interface CaptureOptions {
  /**
   * The operation the value was given to (`map at job.ts:12`, `reduceByKey`, …); names it in error
   * messages. When the value is not itself a function but a record that holds the user's functions
   * (a plan node's arguments, an aggregator, a result function), errors speak of the user's
   * function: the record's fields and squall's own wrapper functions are left out of the path.
   */
  readonly operation?: string;
  /**
   * Captured values estimated larger than this many bytes travel as broadcasts (once per worker,
   * not once per task). Default 1 MiB, PySpark's threshold; `Infinity` turns this off.
   */
  readonly broadcastThreshold?: number;
}

/** The default size above which a captured value is shipped as an automatic broadcast. */
export const AUTO_BROADCAST_BYTES = 1 << 20;

/**
 * Captures any value (usually a function, or an object holding functions such as a plan's
 * aggregator) as plain data for a worker. Capture once per stage and reuse the result for all its
 * tasks: values are snapshotted now, and large values are serialised once per capture.
 *
 * @throws TaskNotSerializableError when something captured cannot travel; the message names the
 *   variable path (`"opts.socket"`, `"helper -> socket"`) and the fix.
 *
 * @example
 * ```ts
 * const k = 3;
 * const captured = captureValue({ step: (x: number) => x * k });
 * // in a worker: const { step } = await rebuildValue(captured) as { step(x: number): number }; step(2) === 6
 * ```
 */
export function captureValue(value: unknown, options: CaptureOptions = {}): Captured {
  const subject = options.operation ? `the ${typeof value === 'function' ? 'function' : 'value'} given to ${options.operation}` : typeof value === 'function' ? 'the function' : 'the value';
  const capturer = new Capturer(subject, options.broadcastThreshold ?? AUTO_BROADCAST_BYTES, typeof value !== 'function' ? options.operation : undefined);
  try {
    return capturer.capture(value, '');
  } finally {
    releaseInspectorObjects();
  }
}

/**
 * Captures a function with everything it uses; see captureValue.
 *
 * @throws TypeError when `fn` is not a function; TaskNotSerializableError as captureValue.
 *
 * @example
 * ```ts
 * const factor = 2;
 * const captured = captureFunction((x: number) => x * factor, { operation: 'map' });
 * ```
 */
export function captureFunction(fn: unknown, options: CaptureOptions = {}): Captured {
  if (typeof fn !== 'function') throw new TypeError(`captureFunction expects a function, got ${fn === null ? 'null' : typeof fn}.`);
  return captureValue(fn, options);
}

// ---- the inspector ---------------------------------------------------------------------------

const PROBE_KEY = 'squall.closure.probe';
const OUT_KEY = 'squall.closure.out';
const GROUP = 'squall-closure-capture';

let session: inspector.Session | undefined;
let inspectorUsed = false;
/** scriptId → URL ('' when the script has none), filled from Debugger.scriptParsed. */
const scriptUrls = new Map<string, string>();

interface RemoteObject {
  readonly objectId?: string;
  readonly value?: unknown;
  readonly description?: string;
}
interface PropertyDescriptorResult {
  readonly name: string;
  readonly value?: RemoteObject;
}

function getSession(): inspector.Session {
  if (!session) {
    const s = new inspector.Session();
    s.connect();
    s.on('Debugger.scriptParsed', (message: { params: { scriptId: string; url: string } }) => {
      if (message.params.url) scriptUrls.set(message.params.scriptId, message.params.url);
    });
    session = s;
  }
  return session;
}

/** Runs an inspector command; in-process sessions answer synchronously. */
function post<T>(method: string, params: object = {}): T {
  let done = false;
  let error: Error | null = null;
  let result: unknown;
  getSession().post(method, params, (err: Error | null, res?: object) => {
    done = true;
    error = err;
    result = res;
  });
  if (!done) throw new Error(`node:inspector did not answer ${method} synchronously; closure capture needs an in-process session.`);
  if (error) throw error;
  inspectorUsed = true;
  return result as T;
}

function releaseInspectorObjects(): void {
  if (!inspectorUsed) return;
  inspectorUsed = false;
  post('Runtime.releaseObjectGroup', { objectGroup: GROUP });
  inspectorUsed = false;
}

/** An inspector handle on a live value (valid until the object group is released). */
function remoteId(value: object): string {
  const g = globalThis as Record<symbol, unknown>;
  g[Symbol.for(PROBE_KEY)] = value;
  try {
    const { result } = post<{ result: RemoteObject }>('Runtime.evaluate', {
      expression: `globalThis[Symbol.for(${JSON.stringify(PROBE_KEY)})]`,
      objectGroup: GROUP,
      silent: true,
    });
    if (!result.objectId) throw new Error('node:inspector returned no object id for a captured value.');
    return result.objectId;
  } finally {
    delete g[Symbol.for(PROBE_KEY)];
  }
}

/** What V8 knows about a function that JavaScript cannot see. */
interface FunctionInternals {
  readonly scriptId: string | undefined;
  /** `[[FunctionLocation]]`: 0-based line and column of V8's start position. */
  readonly line: number;
  readonly column: number;
  readonly bound: boolean;
  /** Non-global scopes, innermost first; `object` holds the real values by variable name. */
  readonly scopes: ReadonlyArray<{ readonly type: string; readonly object: Record<string, unknown> }>;
}

function inspectFunction(fn: Function): FunctionInternals {
  const objectId = remoteId(fn);
  const { internalProperties = [] } = post<{ internalProperties?: PropertyDescriptorResult[] }>('Runtime.getProperties', {
    objectId,
    ownProperties: true,
    generatePreview: false,
  });
  let scriptId: string | undefined;
  let line = 0;
  let column = 0;
  let scopesId: string | undefined;
  let bound = false;
  for (const p of internalProperties) {
    if (p.name === '[[FunctionLocation]]') {
      const location = p.value?.value as { scriptId?: string; lineNumber?: number; columnNumber?: number } | undefined;
      scriptId = location?.scriptId;
      line = location?.lineNumber ?? 0;
      column = location?.columnNumber ?? 0;
    }
    else if (p.name === '[[Scopes]]') scopesId = p.value?.objectId;
    else if (p.name === '[[TargetFunction]]') bound = true;
  }
  const scopes: Array<{ type: string; object: Record<string, unknown> }> = [];
  if (scopesId) {
    post('Runtime.callFunctionOn', {
      objectId: scopesId,
      functionDeclaration: `function () { globalThis[Symbol.for(${JSON.stringify(OUT_KEY)})] = this; }`,
      objectGroup: GROUP,
      silent: true,
    });
    const g = globalThis as Record<symbol, unknown>;
    const list = g[Symbol.for(OUT_KEY)] as ArrayLike<{ description: string; object: Record<string, unknown> }> | undefined;
    delete g[Symbol.for(OUT_KEY)];
    for (let i = 0; list && i < list.length; i++) {
      const scope = list[i];
      if (scope && scope.description !== 'Global' && scope.object) scopes.push({ type: scope.description, object: scope.object });
    }
  }
  return { scriptId, line, column, bound, scopes };
}

/** Names of the `#private` members an object carries (asked of V8; JavaScript cannot see them). */
function privateFieldNames(object: object): string[] {
  const { privateProperties = [] } = post<{ privateProperties?: PropertyDescriptorResult[] }>('Runtime.getProperties', {
    objectId: remoteId(object),
    ownProperties: true,
    generatePreview: false,
  });
  return privateProperties.map((p) => p.name);
}

/** The URL of a script; enables the Debugger (which replays scriptParsed) only on a miss. */
function scriptUrl(scriptId: string): string {
  let url = scriptUrls.get(scriptId);
  if (url === undefined) {
    post('Debugger.enable');
    post('Debugger.disable');
    url = scriptUrls.get(scriptId);
    if (url === undefined) scriptUrls.set(scriptId, (url = ''));
  }
  return url;
}

// ---- standard globals ------------------------------------------------------------------------

/**
 * Globals every fresh worker thread has (ECMAScript and Node 20+, plus a few of newer Node
 * versions). A free name found on the driver's globalThis but not listed here is a driver-only
 * global.
 */
export const STANDARD_GLOBALS: ReadonlySet<string> = new Set(
  (
    'AbortController AbortSignal AggregateError Array ArrayBuffer Atomics BigInt BigInt64Array BigUint64Array Blob Boolean ' +
    'BroadcastChannel Buffer ByteLengthQueuingStrategy CloseEvent CompressionStream CountQueuingStrategy Crypto CryptoKey ' +
    'CustomEvent DOMException DataView Date DecompressionStream Error EvalError Event EventSource EventTarget File ' +
    'FinalizationRegistry Float16Array Float32Array Float64Array FormData Function Headers Infinity Int16Array Int32Array ' +
    'Int8Array Intl Iterator JSON Map Math MessageChannel MessageEvent MessagePort NaN Navigator Number Object Performance ' +
    'PerformanceEntry PerformanceMark PerformanceMeasure PerformanceObserver PerformanceObserverEntryList ' +
    'PerformanceResourceTiming Promise Proxy RangeError ReadableByteStreamController ReadableStream ReadableStreamBYOBReader ' +
    'ReadableStreamBYOBRequest ReadableStreamDefaultController ReadableStreamDefaultReader ReferenceError Reflect RegExp ' +
    'Request Response Set SharedArrayBuffer String SubtleCrypto Symbol SyntaxError TextDecoder TextDecoderStream TextEncoder ' +
    'TextEncoderStream TransformStream TransformStreamDefaultController TypeError URIError URL URLPattern URLSearchParams ' +
    'Uint16Array Uint32Array Uint8Array Uint8ClampedArray WeakMap WeakRef WeakSet WebAssembly WebSocket WritableStream ' +
    'WritableStreamDefaultController WritableStreamDefaultWriter atob btoa clearImmediate clearInterval clearTimeout console ' +
    'crypto decodeURI decodeURIComponent encodeURI encodeURIComponent escape eval fetch global globalThis isFinite isNaN ' +
    'navigator parseFloat parseInt performance process queueMicrotask setImmediate setInterval setTimeout structuredClone ' +
    'undefined unescape'
  ).split(' '),
);

/**
 * Standard globals that Node defines as lazy getters and that are cheap to read (already loaded).
 * The others (fetch, crypto, web streams, …) load a module on first read, so they are only read
 * when a captured value could be one of them (see standardGlobalPathSlow).
 */
const CHEAP_GETTERS = new Set(['process', 'Buffer', 'AbortController', 'AbortSignal', 'TextEncoder', 'TextDecoder', 'DOMException', 'atob', 'btoa', 'MessageChannel', 'MessagePort', 'MessageEvent', 'BroadcastChannel', 'performance']);

let globalPaths: Map<unknown, string[]> | undefined;
let allGlobalsRead = false;

function addGlobalPaths(paths: Map<unknown, string[]>, names: readonly string[]): void {
  const g = globalThis as Record<string, unknown>;
  const add = (v: unknown, path: string[]): void => {
    if ((typeof v === 'function' || typeof v === 'symbol' || (typeof v === 'object' && v !== null)) && !paths.has(v)) paths.set(v, path);
  };
  for (const name of names) add(g[name], [name]);
  for (const name of names) {
    const root = g[name];
    if ((typeof root !== 'object' && typeof root !== 'function') || root === null || root === globalThis) continue;
    for (const key of Object.getOwnPropertyNames(root)) {
      const d = Object.getOwnPropertyDescriptor(root, key);
      if (d && 'value' in d) add(d.value, [name, key]);
    }
    const proto = typeof root === 'function' ? (root as { prototype?: unknown }).prototype : undefined;
    if (typeof proto === 'object' && proto !== null) {
      for (const key of Object.getOwnPropertyNames(proto)) {
        const d = Object.getOwnPropertyDescriptor(proto, key);
        if (d && typeof d.value === 'function' && key !== 'constructor') add(d.value, [name, 'prototype', key]);
      }
    }
  }
}

/** The global path of a standard global value or one of its members (`Math.sqrt`, `Symbol.iterator`). */
function standardGlobalPath(value: unknown): string[] | undefined {
  if (!globalPaths) {
    globalPaths = new Map();
    const names = [...STANDARD_GLOBALS].filter((name) => {
      const d = Object.getOwnPropertyDescriptor(globalThis, name);
      return d !== undefined && ('value' in d || CHEAP_GETTERS.has(name));
    });
    addGlobalPaths(globalPaths, names);
  }
  return globalPaths.get(value);
}

/** standardGlobalPath, after also reading the lazily loaded globals (fetch, crypto, web streams…). */
function standardGlobalPathSlow(value: unknown): string[] | undefined {
  const found = standardGlobalPath(value);
  if (found || allGlobalsRead) return found;
  allGlobalsRead = true;
  addGlobalPaths(globalPaths as Map<unknown, string[]>, [...STANDARD_GLOBALS].filter((name) => name in globalThis));
  return (globalPaths as Map<unknown, string[]>).get(value);
}

// ---- modules: what can go by reference -------------------------------------------------------

const requireHere = createRequire(import.meta.url);

/** The repository root: capture.ts lives in <root>/scheduler/closure, or <root>/dist/scheduler/closure once built. */
const repoRoot = (() => {
  const here = dirname(fileURLToPath(import.meta.url));
  const root = join(here, '..', '..');
  return root.endsWith(`${sep}dist`) ? dirname(root) : root;
})();

const mainScript = (() => {
  const entry = process.argv[1];
  if (!entry) return undefined;
  try {
    return realpathSync(entry);
  } catch {
    return entry;
  }
})();

/** Public builtin modules searched for a function defined in Node's internals. */
const PUBLIC_BUILTINS = [
  'assert', 'async_hooks', 'buffer', 'child_process', 'cluster', 'crypto', 'dgram', 'diagnostics_channel', 'dns', 'events', 'fs',
  'fs/promises', 'http', 'http2', 'https', 'inspector', 'module', 'net', 'os', 'path', 'perf_hooks', 'querystring', 'readline',
  'stream', 'stream/promises', 'stream/web', 'string_decoder', 'timers', 'timers/promises', 'tls', 'tty', 'url', 'util',
  'util/types', 'v8', 'vm', 'worker_threads', 'zlib',
];

interface ModuleRef {
  readonly module: string;
  readonly export: string;
}

const builtinIndex = new Map<unknown, ModuleRef>();
const indexedBuiltins = new Set<string>();

function loadBuiltin(id: string): Record<string, unknown> | undefined {
  try {
    const getBuiltin = (process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule;
    return (getBuiltin ? getBuiltin(`node:${id}`) : requireHere(`node:${id}`)) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

function indexBuiltin(id: string): void {
  if (indexedBuiltins.has(id)) return;
  indexedBuiltins.add(id);
  const ns = loadBuiltin(id);
  if (!ns || (typeof ns !== 'object' && typeof ns !== 'function')) return;
  for (const key of Object.getOwnPropertyNames(ns)) {
    const d = Object.getOwnPropertyDescriptor(ns, key);
    if (!d || !('value' in d) || key === 'default') continue;
    if ((typeof d.value === 'function' || (typeof d.value === 'object' && d.value !== null)) && !builtinIndex.has(d.value)) {
      builtinIndex.set(d.value, { module: `node:${id}`, export: key });
    }
  }
}

/** The builtin-module export that `value` is, searching `node:<hint>` first, then every public builtin. */
function builtinExport(value: unknown, hint?: string): ModuleRef | undefined {
  if (hint && !hint.startsWith('internal/')) indexBuiltin(hint);
  let ref = builtinIndex.get(value);
  if (ref) return ref;
  for (const id of PUBLIC_BUILTINS) indexBuiltin(id);
  ref = builtinIndex.get(value);
  return ref;
}

const exportTables = new Map<string, ExportTable>();

function exportTableOf(file: string): ExportTable {
  let table = exportTables.get(file);
  if (!table) {
    table = exportTable(readFileSync(file, 'utf8'));
    exportTables.set(file, table);
  }
  return table;
}

/** A location URL as a file path, or undefined for `node:`, `data:`, eval'd and vm scripts. */
function urlToPath(url: string): string | undefined {
  if (url.startsWith('file:')) {
    try {
      return fileURLToPath(url);
    } catch {
      return undefined;
    }
  }
  return url.startsWith('/') ? url : undefined;
}

/** squall's own layers, as sources and as their build: functions defined there are engine code. */
const ENGINE_DIRS = ['src', 'operators', 'scheduler'].flatMap((dir) => [join(repoRoot, dir), join(repoRoot, 'dist', dir)]).map((dir) => dir + sep);

/** True when the script at `url` is one of squall's own modules (not a test, not the user's code). */
function isEngineScript(url: string): boolean {
  const path = url ? urlToPath(url) : undefined;
  return path !== undefined && ENGINE_DIRS.some((dir) => path.startsWith(dir));
}

/**
 * The module and export under which a worker can import `fn`, or undefined when it must travel
 * by value. `scopes` are fn's own scopes: a module-level binding there holding fn itself gives
 * its local name, which the module's export table turns into an export name.
 */
function moduleReference(fn: Function, url: string, scopes: FunctionInternals['scopes']): ModuleRef | undefined {
  if (url.startsWith('node:')) return builtinExport(fn, url.slice('node:'.length));
  const path = urlToPath(url);
  if (!path) return undefined;
  if (mainScript !== undefined && (path === mainScript || path === process.argv[1])) return undefined;

  // CommonJS: the module's exports object is in require.cache.
  const cjs = requireHere.cache[path];
  if (cjs) {
    const exports = cjs.exports as unknown;
    if (exports === fn) return { module: pathToFileURL(path).href, export: 'default' };
    if (exports && typeof exports === 'object') {
      for (const key of Object.keys(exports)) if ((exports as Record<string, unknown>)[key] === fn) return { module: pathToFileURL(path).href, export: key };
    }
    return undefined;
  }

  let target: string;
  const rel = relative(repoRoot, path);
  if (!rel.startsWith('..') && /^(src|operators|scheduler)[\\/]/.test(rel) && rel.endsWith('.ts') && !rel.endsWith('.d.ts')) {
    target = join(repoRoot, 'dist', rel.replace(/\.ts$/, '.js'));
  } else if (/\.(m?js)$/.test(path)) {
    target = path;
  } else {
    return undefined;
  }

  const locals: string[] = [];
  const outermost = scopes[scopes.length - 1];
  if (outermost) {
    for (const name of Object.keys(outermost.object)) if (outermost.object[name] === fn) locals.push(name);
  }
  if (locals.length === 0) return undefined;
  if (!existsSync(target)) {
    throw new Error(
      `Cannot ship ${fn.name || 'a function'} from ${rel} by reference: its compiled module ${relative(repoRoot, target)} does not exist. ` +
        'Workers load the JavaScript build: run `npm run build` (tsc -p tsconfig.json) first.',
    );
  }
  const table = exportTableOf(target);
  const preferred = locals.includes(fn.name) ? [fn.name, ...locals] : locals;
  for (const local of preferred) {
    const exported = table.get(local);
    if (exported && exported.length > 0) return { module: pathToFileURL(target).href, export: exported.includes(local) ? local : (exported[0] as string) };
  }
  return undefined;
}

// ---- per-function facts that do not change between captures -----------------------------------

interface FunctionFacts {
  readonly source: string;
  /** Set when the function travels by reference. */
  readonly reference?: ModuleRef;
  /** Set when the function is a standard global read lazily (fetch, …): its global path. */
  readonly global?: string[];
  /** Set when the function can never travel: [what it is, how to fix]. */
  readonly refusal?: { readonly what: string; readonly fix: string; readonly trait?: boolean; readonly host?: boolean };
  readonly analysis?: FunctionAnalysis;
  readonly strict: boolean;
  /** Some free variable lives in a V8 scope (so values must be read at each capture). */
  readonly needsScopes: boolean;
  /** Where the source text starts in its script, for stack traces of the rebuilt function. */
  readonly location?: CapturedFunction['location'];
  /** The function is squall's own code (a wrapper around the user's function), not the user's. */
  readonly engine?: boolean;
}

const factsCache = new WeakMap<Function, FunctionFacts>();

const FIX_PLAIN = 'Create it inside the function, or pass plain data.';

/** The facts about `fn`, from the cache or (first capture) from V8; the latter also returns the scopes just read. */
function functionFacts(fn: Function): FunctionFacts & { internals?: FunctionInternals } {
  const cached = factsCache.get(fn);
  if (cached) return cached;
  const source = Function.prototype.toString.call(fn);
  const strict = !Object.prototype.hasOwnProperty.call(fn, 'caller');
  const seen = inspectFunction(fn);
  let facts: FunctionFacts;
  if (seen.bound) {
    facts = {
      source,
      strict,
      needsScopes: false,
      refusal: { what: `a bound function${/^bound .+/.test(fn.name) ? ` (${fn.name})` : ''}`, fix: 'Use an arrow function that calls the original function instead of fn.bind(…).' },
    };
  } else {
    const url = seen.scriptId !== undefined ? scriptUrl(seen.scriptId) : '';
    const native = /\{\s*\[native code\]\s*\}$/.test(source);
    const reference = url ? moduleReference(fn, url, seen.scopes) : native ? builtinExport(fn) : undefined;
    const global = !reference && (native || url.startsWith('node:')) ? standardGlobalPathSlow(fn) : undefined;
    if (reference) {
      facts = { source, strict, needsScopes: false, reference };
    } else if (global) {
      facts = { source, strict, needsScopes: false, global };
    } else if (native || url.startsWith('node:')) {
      const what = native ? 'a native function' : `an internal function of Node.js (${url})`;
      facts = {
        source,
        strict,
        needsScopes: false,
        refusal: {
          host: true,
          what: `${what}${fn.name ? ` named ${fn.name}` : ''} that is neither a standard global nor an export of a builtin module, which cannot be copied to an executor`,
          fix: 'Call it through a standard global or an imported builtin module inside the function, or pass plain data.',
        },
      };
    } else {
      let analysis: FunctionAnalysis | undefined;
      let refusal: FunctionFacts['refusal'];
      try {
        analysis = analyzeFunction(source);
      } catch (error) {
        refusal = { what: `a function whose source text cannot be parsed (${(error as Error).message})`, fix: 'Define the function in plain JavaScript or TypeScript source.' };
      }
      if (analysis?.usesLexicalThis) {
        refusal = {
          trait: true,
          what: 'uses "this" from the code around it (an arrow function\'s lexical this), which cannot be copied to an executor',
          fix: 'Copy the fields you need into local constants first (const factor = this.factor) and use those inside the function.',
        };
      } else if (analysis?.usesLexicalArguments) {
        refusal = {
          trait: true,
          what: 'uses "arguments" of the function around it, which cannot be copied to an executor',
          fix: 'Copy the arguments into a local constant first (const args = [...arguments]) and use that inside the function.',
        };
      } else if (analysis?.usesDirectEval) {
        refusal = {
          trait: true,
          what: 'calls eval(…), whose code may use variables that cannot be found before it runs, so they cannot be copied to an executor',
          fix: 'Write the code itself instead of a string for eval, or build a function with new Function(…) inside the function.',
        };
      } else if (analysis?.usesSuper) {
        refusal = { trait: true, what: 'is a method that uses "super", which cannot be rebuilt on an executor', fix: 'Move the method into a class and capture an instance, or avoid super.' };
      }
      const needsScopes = analysis !== undefined && analysis.free.some((name) => seen.scopes.some((s) => Object.prototype.hasOwnProperty.call(s.object, name)));
      const location = url && analysis ? sourceStart(url, seen, source, analysis.locationOffset) : undefined;
      const engine = isEngineScript(url);
      facts = { source, strict, needsScopes, ...(analysis ? { analysis } : {}), ...(refusal ? { refusal } : {}), ...(location ? { location } : {}), ...(engine ? { engine } : {}) };
    }
  }
  factsCache.set(fn, facts);
  return { ...facts, internals: seen };
}

/** The line and column where `source` starts, from V8's location of the point `offset` characters in. */
function sourceStart(url: string, seen: FunctionInternals, source: string, offset: number): CapturedFunction['location'] {
  const before = source.slice(0, offset);
  const newlines = before.split('\n').length - 1;
  const column = newlines === 0 ? Math.max(0, seen.column - offset) : 0;
  return { url, line: Math.max(0, seen.line - newlines), column };
}

// ---- the capturer ---------------------------------------------------------------------------

const DATA = -1;
const TYPED_ARRAY_PROTOS = new Set<object>(
  [Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array, Float32Array, Float64Array, BigInt64Array, BigUint64Array].map((c) => c.prototype),
);
const ERROR_PROTOS = new Set<object>([Error, TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError, AggregateError].map((c) => c.prototype));
const FUNCTION_OWN_KEYS = new Set(['length', 'name', 'prototype', 'arguments', 'caller']);

/** Per-Broadcast wire form, made once per Broadcast (its value never changes). */
const broadcastWire = new WeakMap<object, { id: string; value: Uint8Array }>();
let broadcastCounter = 0;

/** A copy of `bytes` in shared memory (a view over a SharedArrayBuffer, so it travels by handle). */
function toSharedBuffer(bytes: Uint8Array): Uint8Array {
  const shared = new Uint8Array(new SharedArrayBuffer(bytes.byteLength));
  shared.set(bytes);
  return shared;
}

/**
 * The wire id under which workers cache a Broadcast's value, if it was ever captured; with
 * `drop`, the driver's serialised copy is forgotten too (after `destroy()`).
 *
 * @example
 * ```ts
 * const id = broadcastWireId(table); // 'b7', or undefined if no task used it yet
 * ```
 */
export function broadcastWireId(broadcast: object, drop = false): string | undefined {
  const id = broadcastWire.get(broadcast)?.id;
  if (drop) broadcastWire.delete(broadcast);
  return id;
}

/** Builtin module prefixes whose article is not given by their first letter. */
const MODULE_ARTICLES: Record<string, string> = { fs: 'an', http: 'an', https: 'an', http2: 'an', os: 'an', url: 'a', util: 'a' };

/** `a Context`, `an RDD`, `an instance`, `a net.Socket`: acronyms take the article of their first letter's name. */
function article(noun: string): string {
  const prefix = /^([\w/]+)\./.exec(noun)?.[1];
  if (prefix && MODULE_ARTICLES[prefix]) return `${MODULE_ARTICLES[prefix]} ${noun}`;
  const vowelSound = /^[A-Z]{2,}/.test(noun) ? /^[AEFHILMNORSX]/.test(noun) : /^[aeiou]/i.test(noun);
  return `${vowelSound ? 'an' : 'a'} ${noun}`;
}

function keyText(key: string | symbol): string {
  return typeof key === 'symbol' ? `[${key.toString()}]` : /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

function join2(path: string, next: string): string {
  return path ? `${path} -> ${next}` : next;
}

const VITE_NAMESPACE = /^__vite_ssr_(dynamic_)?import_\d+__$/;

function isNamespace(value: object): boolean {
  if (types.isModuleNamespaceObject(value)) return true;
  return Object.getPrototypeOf(value) === null && (value as { [Symbol.toStringTag]?: unknown })[Symbol.toStringTag] === 'Module';
}

class Capturer {
  private readonly slots = new Map<object, number>();
  private nextSlot = 0;
  private readonly pure = new WeakMap<object, boolean>();
  /** Paths at which a function was captured, and whether it was squall's own (true) or the user's. */
  private readonly functionPaths = new Map<string, boolean>();

  /**
   * @param holderOf set when the captured value is a record holding the user's functions for this
   *   operation: error messages then name the user's function and its variables only.
   */
  constructor(
    private readonly subject: string,
    private readonly threshold: number,
    private readonly holderOf?: string,
  ) {}

  // -- errors --

  /**
   * Who captures what, for an error at `path`. For a holder record, the path's leading hops through
   * the record's fields and squall's wrapper functions are dropped, up to and including the user's
   * function, which becomes the subject (`the function given to map at job.ts:3`).
   */
  private where(path: string): { subject: string; path: string } {
    if (this.holderOf === undefined) return { subject: this.subject, path };
    const hops = path.split(' -> ');
    for (let i = 0; i < hops.length; i++) {
      const engine = this.functionPaths.get(hops.slice(0, i + 1).join(' -> '));
      if (engine === true) continue;
      const rest = hops.slice(i + 1).join(' -> ');
      if (engine === false) return { subject: `the function given to ${this.holderOf}`, path: rest };
      break;
    }
    return { subject: `a value given to ${this.holderOf}`, path: path.replace(/^\./, '') };
  }

  private refuse(path: string, what: string, fix: string): never {
    const w = this.where(path);
    const where = w.path ? `${w.subject} captures "${w.path}" (${what})` : `${w.subject} is ${what}`;
    throw new TaskNotSerializableError(`Task not serializable: ${where}. ${fix}`);
  }

  private refuseTrait(path: string, trait: string, fix: string): never {
    const w = this.where(path);
    const who = w.path ? `${w.subject} captures "${w.path}", which` : w.subject;
    throw new TaskNotSerializableError(`Task not serializable: ${who} ${trait}. ${fix}`);
  }

  private refuseMarked(path: string, value: object): never {
    const marker = (value as Record<symbol, unknown>)[NOT_SERIALIZABLE];
    const noun = typeof marker === 'string' && marker ? marker : (value.constructor as { name?: string } | undefined)?.name || 'driver-only object';
    const w = this.where(path);
    const where = w.path ? `${w.subject} captures "${w.path}" (${article(noun)})` : `${w.subject} is ${article(noun)}`;
    throw new TaskNotSerializableError(
      `Task not serializable: ${where}. A Context or RDD can only be used on the driver, never inside a function that runs on executors: ` +
        'call transformations and actions from driver code only, and give the function plain data (for example the result of collect()) ' +
        'or a broadcast variable instead. (This is Spark\'s rule SPARK-5063.)',
    );
  }

  // -- values --

  capture(value: unknown, path: string): Captured {
    switch (typeof value) {
      case 'undefined':
      case 'boolean':
      case 'number':
      case 'string':
      case 'bigint':
        return { kind: 'prim', value };
      case 'symbol': {
        const key = Symbol.keyFor(value);
        if (key !== undefined) return { kind: 'symbol', key };
        const global = standardGlobalPath(value);
        if (global) return { kind: 'global', slot: this.nextSlot++, path: global };
        return this.refuse(path, `a symbol created with Symbol(), ${value.toString()}, which exists only on the driver`, "Use Symbol.for('key'), which executors can recreate.");
      }
      case 'function':
        return this.captureFunction(value, path);
      case 'object':
        return value === null ? { kind: 'prim', value: null } : this.captureObject(value, path);
      default:
        return this.refuse(path, `a value of type ${typeof value}, which cannot be copied to an executor`, FIX_PLAIN);
    }
  }

  private newSlot(value: object): number {
    const slot = this.nextSlot++;
    this.slots.set(value, slot);
    return slot;
  }

  private captureObject(value: object, path: string): Captured {
    const known = this.slots.get(value);
    if (known === DATA) return { kind: 'data', value };
    if (known !== undefined) return { kind: 'backref', slot: known };
    if (Object.prototype.hasOwnProperty.call(value, NOT_SERIALIZABLE)) this.refuseMarked(path, value);
    if (value instanceof Broadcast) return this.captureBroadcast(value, path);
    const global = standardGlobalPath(value);
    if (global) return { kind: 'global', slot: this.newSlot(value), path: global };
    if (this.isPureData(value, new Set())) return this.captureData(value);

    if (types.isPromise(value)) this.refuse(path, 'a Promise, which cannot be copied to an executor', 'Await it on the driver and capture the result instead.');
    if (types.isWeakMap(value) || types.isWeakSet(value)) {
      this.refuse(path, `a ${types.isWeakMap(value) ? 'WeakMap' : 'WeakSet'}, which cannot be copied to an executor`, 'Use a Map or Set, or create it inside the function.');
    }
    if (value instanceof WeakRef || value instanceof FinalizationRegistry) {
      this.refuse(path, `a ${value instanceof WeakRef ? 'WeakRef' : 'FinalizationRegistry'}, which cannot be copied to an executor`, 'Capture the target object itself, or create it inside the function.');
    }
    if (types.isGeneratorObject(value)) {
      this.refuse(path, 'a generator object, which cannot be copied to an executor', 'Collect its values into an array on the driver, or create the generator inside the function.');
    }
    if (isNamespace(value)) return this.captureNamespace(value as Record<string, unknown>, undefined, (key) => `${path}.${key}`);
    if (types.isProxy(value)) this.refuse(path, 'a Proxy, which cannot be copied to an executor', 'Capture the target object instead, or create the proxy inside the function.');
    if (types.isExternal(value)) this.refuse(path, 'a native handle, which cannot be copied to an executor', FIX_PLAIN);

    const proto = Object.getPrototypeOf(value) as object | null;
    if (Buffer.isBuffer(value)) return { kind: 'binary', slot: this.newSlot(value), value, buffer: true };
    if (types.isDataView(value) || types.isSharedArrayBuffer(value) || (types.isTypedArray(value) && proto !== null && TYPED_ARRAY_PROTOS.has(proto))) {
      // DataViews, and typed arrays over a SharedArrayBuffer (whose memory stays shared with the executors).
      // A bare SharedArrayBuffer travels as a view of itself (plans are packed, and only views pack).
      if (types.isSharedArrayBuffer(value)) return { kind: 'binary', slot: this.newSlot(value), value: new Uint8Array(value), sharedBuffer: true };
      return { kind: 'binary', slot: this.newSlot(value), value: value as ArrayBufferView };
    }
    if (Array.isArray(value) && proto === Array.prototype) return this.captureArray(value, path);
    if (proto === Object.prototype || proto === null) return this.captureEntries(value, proto === null, path);
    if (proto === Map.prototype) {
      const entries: Array<readonly [Captured, Captured]> = [];
      const node = { kind: 'map' as const, slot: this.newSlot(value), entries };
      let i = 0;
      for (const [k, v] of value as Map<unknown, unknown>) {
        const label = typeof k === 'string' || typeof k === 'number' ? `${path}.get(${JSON.stringify(k)})` : `${path}<entry ${i}>`;
        entries.push([this.capture(k, `${path}<key ${i}>`), this.capture(v, label)]);
        i++;
      }
      return node;
    }
    if (proto === Set.prototype) {
      const items: Captured[] = [];
      const node = { kind: 'set' as const, slot: this.newSlot(value), items };
      let i = 0;
      for (const item of value as Set<unknown>) items.push(this.capture(item, `${path}<item ${i++}>`));
      return node;
    }
    return this.captureInstance(value, proto, path);
  }

  /** True when `value` is plain data that structured clone copies faithfully (no functions, classes, or cycles). */
  private isPureData(value: unknown, stack: Set<object>): boolean {
    if (typeof value === 'function' || typeof value === 'symbol') return false;
    if (typeof value !== 'object' || value === null) return true;
    const cached = this.pure.get(value);
    if (cached !== undefined) return cached;
    if (stack.has(value)) return false;
    const known = this.slots.get(value);
    if (known !== undefined && known !== DATA) return false;
    if (Object.prototype.hasOwnProperty.call(value, NOT_SERIALIZABLE) || value instanceof Broadcast) return false;
    const proto = Object.getPrototypeOf(value) as object | null;
    let result: boolean;
    stack.add(value);
    if (proto === Array.prototype && Array.isArray(value)) {
      result = true;
      for (let i = 0; i < value.length && result; i++) result = this.isPureData(value[i], stack);
    } else if (proto === Object.prototype) {
      result = Object.getOwnPropertySymbols(value).length === 0 && !types.isProxy(value);
      if (result) {
        for (const key of Object.keys(value)) {
          const d = Object.getOwnPropertyDescriptor(value, key);
          if (!d || !('value' in d) || !this.isPureData(d.value, stack)) {
            result = false;
            break;
          }
        }
      }
    } else if (proto === Map.prototype && types.isMap(value)) {
      result = true;
      for (const [k, v] of value as Map<unknown, unknown>) if (!this.isPureData(k, stack) || !this.isPureData(v, stack)) { result = false; break; }
    } else if (proto === Set.prototype && types.isSet(value)) {
      result = true;
      for (const item of value as Set<unknown>) if (!this.isPureData(item, stack)) { result = false; break; }
    } else if ((proto === Date.prototype && types.isDate(value)) || (proto === RegExp.prototype && types.isRegExp(value))) {
      result = true;
    } else if (proto !== null && TYPED_ARRAY_PROTOS.has(proto) && types.isTypedArray(value) && !types.isSharedArrayBuffer(value.buffer)) {
      result = true;
    } else if (proto === ArrayBuffer.prototype && types.isArrayBuffer(value)) {
      result = true;
    } else if (proto !== null && ERROR_PROTOS.has(proto) && types.isNativeError(value)) {
      // Structured clone keeps an Error's name, message, stack and cause, nothing else.
      result = Object.keys(value).every((key) => key === 'cause') && this.isPureData((value as { cause?: unknown }).cause, stack);
    } else {
      result = false;
    }
    stack.delete(value);
    this.pure.set(value, result);
    return result;
  }

  private captureData(value: object): Captured {
    if (this.threshold !== Infinity) {
      const size = types.isTypedArray(value) || types.isArrayBuffer(value) ? value.byteLength : estimateSize(value);
      if (size > this.threshold) {
        const slot = this.newSlot(value);
        const payload: Captured = { kind: 'data', value };
        const node: CapturedBroadcast = { kind: 'broadcast', slot, id: `a${++broadcastCounter}`, value: toSharedBuffer(serialize(payload)) };
        return node;
      }
    }
    this.slots.set(value, DATA);
    return { kind: 'data', value };
  }

  private captureBroadcast(value: Broadcast<unknown>, path: string): Captured {
    const slot = this.newSlot(value);
    if (value.isDestroyed) this.refuse(path, `Broadcast ${value.id}, which has been destroyed`, 'Create a new broadcast variable.');
    let wire = broadcastWire.get(value);
    if (!wire) {
      const payload = new Capturer(`the value of Broadcast ${value.id}`, Infinity);
      const captured = payload.capture(value.value, '');
      wire = { id: `b${++broadcastCounter}`, value: toSharedBuffer(serialize(captured)) };
      broadcastWire.set(value, wire);
    }
    return { kind: 'broadcast', slot, id: wire.id, broadcastId: value.id, value: wire.value };
  }

  private captureArray(value: unknown[], path: string): Captured {
    const items: Array<Captured | null> = [];
    const node = { kind: 'array' as const, slot: this.newSlot(value), items };
    for (let i = 0; i < value.length; i++) items.push(i in value ? this.capture(value[i], `${path}[${i}]`) : null);
    return node;
  }

  private wireKey(key: string | symbol, path: string, owner: () => string): WireKey {
    if (typeof key === 'string') return key;
    const registered = Symbol.keyFor(key);
    if (registered !== undefined) return { symbol: registered };
    return this.refuse(path, `${owner()} with a field keyed by ${key.toString()}, a symbol that exists only on the driver`, "Key the field by a string or by Symbol.for('key'), or create the object inside the function.");
  }

  private captureEntries(value: object, nullProto: boolean, path: string): Captured {
    const entries: Array<readonly [WireKey, Captured]> = [];
    const node = { kind: 'object' as const, slot: this.newSlot(value), entries, ...(nullProto ? { nullProto: true as const } : {}) };
    for (const key of Reflect.ownKeys(value)) {
      const d = Object.getOwnPropertyDescriptor(value, key);
      if (!d || !d.enumerable) continue;
      const wireKey = this.wireKey(key, path, () => 'an object');
      entries.push([wireKey, this.capture((value as Record<PropertyKey, unknown>)[key], `${path}${keyText(key)}`)]);
    }
    return node;
  }

  /**
   * A module namespace (ESM `import * as ns`, or vitest's `__vite_ssr_import_N__`): only the
   * members used, when known. Namespaces are immutable, so they are not shared by slot.
   */
  private captureNamespace(value: Record<string, unknown>, members: readonly string[] | undefined, pathOf: (key: string) => string): Captured {
    const entries: Array<readonly [WireKey, Captured]> = [];
    for (const key of members ?? Object.keys(value)) entries.push([key, this.capture(value[key], pathOf(key))]);
    return { kind: 'object', slot: this.nextSlot++, nullProto: true, entries };
  }

  private captureInstance(value: object, proto: object | null, path: string): Captured {
    const ctor = proto ? (proto as { constructor?: unknown }).constructor : undefined;
    if (typeof ctor !== 'function' || (ctor as { prototype?: unknown }).prototype !== proto) {
      this.refuse(path, 'an object whose prototype is not a class prototype, which cannot be rebuilt on an executor', 'Use a class or a plain object.');
    }
    const cls = ctor as Function;
    if (value instanceof EventEmitter || value instanceof EventTarget) {
      this.refuse(path, `${article(describeClass(cls))}, which cannot be copied to an executor`, FIX_PLAIN);
    }
    const extendsBuiltin = types.isMap(value) || types.isSet(value) || types.isDate(value) || types.isRegExp(value) || types.isTypedArray(value) || types.isAnyArrayBuffer(value) || Array.isArray(value);
    if (extendsBuiltin) {
      this.refuse(path, `an instance of ${cls.name || 'an anonymous class'}, which extends a built-in type and cannot be copied to an executor`, 'Capture a plain Map, Set, array or object instead.');
    }
    const clsFacts = standardGlobalPath(cls) ? undefined : functionFacts(cls);
    if (!clsFacts || clsFacts.global || clsFacts.refusal?.host) {
      // A standard global class (URL, TextEncoder) or one made by Node's internals or native code
      // (a timer, a handle, a hash): its instances hold state that JavaScript cannot copy.
      const global = standardGlobalPathSlow(value);
      if (global) return { kind: 'global', slot: this.newSlot(value), path: global };
      if (!types.isNativeError(value)) this.refuse(path, `${article(describeClass(cls))}, which cannot be copied to an executor`, FIX_PLAIN);
    }
    for (let c: unknown = cls; typeof c === 'function' && c !== Function.prototype; c = Object.getPrototypeOf(c)) {
      if (Function.prototype.toString.call(c).includes('#')) {
        const names = privateFieldNames(value);
        if (names.length > 0) {
          this.refuse(
            path,
            `an instance of ${cls.name || 'a class'} with #private fields (${names.join(', ')}), which cannot be copied to an executor`,
            'Use public fields (or a TypeScript private, which is an ordinary field), or create the object inside the function.',
          );
        }
        break;
      }
    }
    // The instance's slot comes first: a static field of its class may refer back to it.
    const slot = this.newSlot(value);
    const clsNode = this.captureFunction(cls, path);
    const fields: Array<readonly [WireKey, Captured]> = [];
    const hidden: string[] = [];
    for (const key of Reflect.ownKeys(value)) {
      const wireKey = this.wireKey(key, path, () => `an instance of ${describeClass(cls)}`);
      const d = Object.getOwnPropertyDescriptor(value, key);
      if (d && !d.enumerable && typeof key === 'string') hidden.push(key);
      fields.push([wireKey, this.capture((value as Record<PropertyKey, unknown>)[key], `${path}${keyText(key)}`)]);
    }
    return { kind: 'instance', slot, cls: clsNode, fields, ...(hidden.length > 0 ? { hidden } : {}) };
  }

  // -- functions --

  private captureFunction(fn: Function, path: string): Captured {
    const known = this.slots.get(fn);
    if (known !== undefined) return { kind: 'backref', slot: known };
    if (Object.prototype.hasOwnProperty.call(fn, NOT_SERIALIZABLE)) this.refuseMarked(path, fn);
    const global = standardGlobalPath(fn);
    if (global) return { kind: 'global', slot: this.newSlot(fn), path: global };

    const facts = functionFacts(fn);
    this.functionPaths.set(path, facts.engine === true);
    if (facts.reference) return { kind: 'module', slot: this.newSlot(fn), module: facts.reference.module, export: facts.reference.export };
    if (facts.global) return { kind: 'global', slot: this.newSlot(fn), path: facts.global };
    if (facts.refusal) {
      if (facts.refusal.trait) this.refuseTrait(path, facts.refusal.what, facts.refusal.fix);
      this.refuse(path, facts.refusal.what, facts.refusal.fix);
    }
    const analysis = facts.analysis as FunctionAnalysis;
    const internals = facts.needsScopes ? ((facts as { internals?: FunctionInternals }).internals ?? inspectFunction(fn)) : undefined;

    const free: Array<readonly [string, Captured]> = [];
    const node: CapturedFunction & { props?: Array<readonly [WireKey, Captured]> } = {
      kind: 'function',
      slot: this.newSlot(fn),
      source: facts.source,
      form: analysis.form,
      strict: facts.strict,
      name: fn.name,
      free,
      ...(facts.location ? { location: facts.location } : {}),
    };
    for (const name of analysis.free) {
      const scope = internals?.scopes.find((s) => Object.prototype.hasOwnProperty.call(s.object, name));
      const childPath = join2(path, name);
      if (scope) {
        const value = scope.object[name];
        const members = analysis.members.get(name);
        // vitest rewrites `import { f } from 'm'` into `__vite_ssr_import_N__.f`: name such paths by the member alone.
        const pathOf = VITE_NAMESPACE.test(name) ? (key: string) => join2(path, key) : (key: string) => `${childPath}.${key}`;
        const captured =
          typeof value === 'object' && value !== null && isNamespace(value)
            ? this.captureNamespace(value as Record<string, unknown>, members, pathOf)
            : this.capture(value, childPath);
        free.push([name, captured]);
      } else if (!STANDARD_GLOBALS.has(name) && Object.prototype.hasOwnProperty.call(globalThis, name)) {
        this.refuseTrait(
          path,
          `uses the global variable "${name}", which exists only on the driver (it is not a standard global, so executors do not have it)`,
          `Assign it to a local constant before the function (const ${name}Copy = globalThis.${name}) and use that inside the function, so that its value is captured.`,
        );
      }
      // Otherwise a standard global, resolved by name on the executor; or a name defined nowhere,
      // which throws a ReferenceError on the executor exactly as it would on the driver.
    }

    const props: Array<readonly [WireKey, Captured]> = [];
    for (const key of Reflect.ownKeys(fn)) {
      if (typeof key === 'string' && FUNCTION_OWN_KEYS.has(key)) continue;
      const d = Object.getOwnPropertyDescriptor(fn, key);
      if (!d || !d.enumerable) continue;
      props.push([this.wireKey(key, path, () => `function ${fn.name}`), this.capture((fn as unknown as Record<PropertyKey, unknown>)[key], `${path || fn.name}${keyText(key)}`)]);
    }
    if (props.length > 0) node.props = props;
    return node;
  }
}

/** A readable class name: `URL` for standard globals, `net.Socket` for builtin-module classes, else the class's own name. */
function describeClass(cls: Function): string {
  const global = standardGlobalPathSlow(cls);
  if (global) return global.join('.');
  const ref = builtinExport(cls);
  if (ref) return `${ref.module.replace(/^node:/, '')}.${ref.export}`;
  return cls.name || 'anonymous class';
}
