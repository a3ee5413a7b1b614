/**
 * Closure shipping, end to end: each function is captured on the driver (scheduler/closure/capture.ts),
 * sent to a real worker thread, rebuilt there by the COMPILED rebuild module (dist/), called, and
 * its result compared with calling the original on the driver. Covers the 20 scenarios of
 * js-ecosystem.md §2a, the refusals (which must throw at capture, naming the variable),
 * Spark's closure semantics (a worker mutates its own copy), accumulators and broadcasts.
 * Layer: test. Runs in: driver (vitest) plus one worker thread.
 *
 * Needs the build: `npx tsc -p tsconfig.json` (npm test builds first).
 */
import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectPartition, foldPartition } from '../../operators/shared/result-function.js';
import { Accumulator, numberParam } from '../../src/context/accumulator.js';
import { Broadcast } from '../../src/context/broadcast.js';
import { cloneValue } from '../../src/core/clone.js';
import { TaskNotSerializableError } from '../../src/core/errors.js';
import { StatCounter } from '../../src/core/stat-counter.js';
import { captureFunction, captureValue } from '../../scheduler/closure/capture.js';
import { rebuildValue } from '../../scheduler/closure/rebuild.js';
import { NOT_SERIALIZABLE, visitCaptured, type Captured } from '../../scheduler/closure/wire.js';
import { norm, Pt, SCALE } from './fixtures/helper.js';

declare const squallDriverOnlyGlobal: number;

const root = fileURLToPath(new URL('../..', import.meta.url));
let worker: Worker;
let nextId = 0;
const waiting = new Map<number, (reply: WorkerReply) => void>();

interface WorkerReply {
  readonly id: number;
  readonly ok: boolean;
  readonly result?: unknown;
  readonly updates?: Array<[number, unknown]>;
  readonly sameAsKept?: boolean;
  readonly error?: { name: string; message: string; stack: string };
}

interface RunOptions {
  readonly args?: unknown[];
  readonly times?: number;
  readonly taskScope?: boolean;
  readonly keep?: string;
}

/** Sends a capture to the worker, which rebuilds it with dist/ and calls it. */
async function send(captured: Captured, options: RunOptions = {}): Promise<WorkerReply> {
  const id = nextId++;
  const reply = await new Promise<WorkerReply>((resolve) => {
    waiting.set(id, resolve);
    worker.postMessage({ id, captured, ...options });
  });
  if (!reply.ok) throw new Error(`worker failed: ${reply.error?.message}\n${reply.error?.stack}`);
  return reply;
}

/** Captures `fn`, runs it in the worker on `args`, and returns the worker's result. */
async function inWorker(fn: Function, ...args: unknown[]): Promise<unknown> {
  return (await send(captureFunction(fn, { operation: 'map' }), { args })).result;
}

/** Asserts that the worker's result equals the driver's. */
async function expectSameInWorker(fn: (...a: never[]) => unknown, ...args: unknown[]): Promise<void> {
  const expected = (fn as (...a: unknown[]) => unknown)(...args);
  expect(await inWorker(fn, ...args)).toEqual(expected);
}

function nodes(captured: Captured): Captured[] {
  const all: Captured[] = [];
  visitCaptured(captured, (n) => all.push(n));
  return all;
}

/** The error capture throws, asserting it is a TaskNotSerializableError. */
function refusal(fn: Function): TaskNotSerializableError {
  try {
    captureFunction(fn, { operation: 'map' });
  } catch (error) {
    expect(error).toBeInstanceOf(TaskNotSerializableError);
    return error as TaskNotSerializableError;
  }
  throw new Error('expected capture to refuse the function');
}

beforeAll(async () => {
  const built = `${root}dist/scheduler/closure/rebuild.js`;
  if (!existsSync(built) || statSync(built).mtimeMs < statSync(`${root}scheduler/closure/rebuild.ts`).mtimeMs) {
    throw new Error('dist/ is missing or older than scheduler/closure/rebuild.ts: run `npx tsc -p tsconfig.json` first (npm test does).');
  }
  worker = new Worker(new URL('./fixtures/rebuild-worker.mjs', import.meta.url));
  worker.on('message', (reply: WorkerReply) => waiting.get(reply.id)?.(reply));
  await new Promise<void>((resolve, reject) => {
    worker.once('online', resolve);
    worker.once('error', reject);
  });
});

afterAll(async () => {
  await worker?.terminate();
});

describe('the 20 scenarios of js-ecosystem.md §2a, rebuilt in a worker thread', () => {
  it('a captured number and Float64Array', async () => {
    const k = 3;
    const arr = new Float64Array([1.5, 2.5, 3.5]);
    await expectSameInWorker((x: number) => x * k + arr[1]!, 2);
  });

  it('nested factory closures', async () => {
    const makeAdder = (a: number) => (b: number) => (c: number) => a * 100 + b * 10 + c;
    await expectSameInWorker(makeAdder(1)(2), 3);
  });

  it('a loop `let` (each closure sees its own i)', async () => {
    const fns: Array<(x: number) => number> = [];
    for (let i = 0; i < 3; i++) fns.push((x) => x + i);
    await expectSameInWorker(fns[2]!, 10);
    await expectSameInWorker((x: number) => fns.map((f) => f(x)), 10);
  });

  it('a default parameter using an outer variable', async () => {
    const base = 10;
    await expectSameInWorker((x: number, y = base) => x + y, 1);
  });

  it('a Map and a Set', async () => {
    const m = new Map<string, number>([['a', 1], ['b', 2]]);
    const s = new Set([1, 2, NaN]);
    await expectSameInWorker((key: string) => [(m.get(key) ?? 0) + (s.has(2) ? 100 : 0), s.has(NaN), [...m.keys()]], 'b');
  });

  it('an object holding functions, including a method that uses `this`', async () => {
    const offset = 5;
    const ops = {
      double: (x: number) => x * 2,
      inc(x: number) {
        return x + 1;
      },
      factor: 3,
      scaled(x: number) {
        return x * this.factor + offset;
      },
    };
    await expectSameInWorker((x: number) => ops.scaled(ops.inc(ops.double(x))), 4);
  });

  it('method shorthand captured on its own', async () => {
    const offset = 7;
    const holder = {
      shift(x: number) {
        return x + offset;
      },
    };
    const captured = captureFunction(holder.shift);
    expect(captured).toMatchObject({ kind: 'function', form: 'method' });
    expect((await send(captured, { args: [1] })).result).toBe(8);
  });

  it('a chain of functions calling functions', async () => {
    const f1 = (x: number) => x + 1;
    const f2 = (x: number) => f1(x) * 2;
    const f3 = (x: number) => f2(x) - 3;
    await expectSameInWorker(f3, 10);
  });

  it('recursive functions: a named declaration, an arrow through its binding, and mutual recursion', async () => {
    function fact(n: number): number {
      return n <= 1 ? 1 : n * fact(n - 1);
    }
    const fib = (n: number): number => (n < 2 ? n : fib(n - 1) + fib(n - 2));
    const isEven = (n: number): boolean => (n === 0 ? true : isOdd(n - 1));
    const isOdd = (n: number): boolean => (n === 0 ? false : isEven(n - 1));
    await expectSameInWorker((n: number) => [fact(n), fib(n), isEven(n), isOdd(n)], 10);
  });

  it('an aliased Math.sqrt travels by its global path', async () => {
    const sq = Math.sqrt;
    const fn = (x: number) => sq(x);
    expect(nodes(captureFunction(fn))).toContainEqual(expect.objectContaining({ kind: 'global', path: ['Math', 'sqrt'] }));
    await expectSameInWorker(fn, 16);
  });

  it('an imported helper that uses a module constant and another import (by value from a test file; src/ by reference)', async () => {
    const fn = (x: number) => norm(x) + SCALE + (cloneValue([x]) as number[])[0]!;
    const all = nodes(captureFunction(fn));
    // Test files cannot be imported by a worker: norm and clamp travel by value.
    expect(all).toContainEqual(expect.objectContaining({ kind: 'function', name: 'norm' }));
    expect(all).toContainEqual(expect.objectContaining({ kind: 'function', name: 'clamp' }));
    // The repository's own sources go by reference, to their build in dist/.
    expect(all).toContainEqual(expect.objectContaining({ kind: 'module', export: 'cloneValue', module: expect.stringMatching(/\/dist\/src\/core\/clone\.js$/) }));
    await expectSameInWorker(fn, 30);
    await expectSameInWorker(fn, 300);
  });

  it('instances of an imported class and of a local class keep their prototype methods', async () => {
    class Local {
      constructor(readonly v: number) {}
      twice(): number {
        return this.v * 2;
      }
    }
    const p = new Pt(3, 4);
    const local = new Local(21);
    const stats = new StatCounter([1, 2, 3, 6]);
    const fn = (x: number) => [p.len() * x, local.twice(), local instanceof Local, stats.mean(), stats.count()];
    const all = nodes(captureFunction(fn));
    expect(all).toContainEqual(expect.objectContaining({ kind: 'module', export: 'StatCounter' }));
    await expectSameInWorker(fn, 2);
  });

  it('createHash from node:crypto travels by reference', async () => {
    const fn = (s: string) => createHash('sha256').update(s).digest('hex');
    expect(nodes(captureFunction(fn))).toContainEqual(expect.objectContaining({ kind: 'module', module: 'node:crypto', export: 'createHash' }));
    await expectSameInWorker(fn, 'squall');
  });

  it('an 8 MB captured Float64Array becomes a broadcast (SharedArrayBuffer payload)', async () => {
    const big = new Float64Array(1 << 20).map((_, i) => i * 0.5);
    const fn = (i: number) => big[i]! + big.length;
    const captured = captureFunction(fn);
    const broadcasts = nodes(captured).filter((n) => n.kind === 'broadcast');
    expect(broadcasts).toHaveLength(1);
    expect(broadcasts[0]).toMatchObject({ kind: 'broadcast', value: expect.any(Uint8Array) });
    expect((broadcasts[0] as { value: Uint8Array }).value.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(broadcasts[0]).not.toHaveProperty('broadcastId');
    expect((await send(captured, { args: [12345] })).result).toBe(fn(12345));
  });

  it('a local class extending an imported class, and a class captured to construct in the worker', async () => {
    class Scaled extends StatCounter {
      constructor(
        values: number[],
        readonly factor: number,
      ) {
        super(values);
      }
      scaledMean(): number {
        return this.mean() * this.factor;
      }
    }
    const s = new Scaled([1, 2, 3], 10);
    await expectSameInWorker((x: number) => [s.scaledMean(), new Scaled([x, x + 2], 2).scaledMean(), s instanceof StatCounter, new Pt(x, 0).len()], 4);
  });

  it('async functions and generators', async () => {
    const k = 4;
    const times = async (x: number) => x * k;
    expect(await inWorker(times, 2)).toBe(8);
    function* multiples(n: number) {
      for (let i = 0; i < n; i++) yield i * k;
    }
    await expectSameInWorker((n: number) => [...multiples(n)], 4);
  });

  describe('refusals throw at capture and name the variable', () => {
    it('an arrow function using lexical this', () => {
      class Job {
        factor = 2;
        mapper() {
          return (x: number) => x * this.factor;
        }
      }
      const error = refusal(new Job().mapper());
      expect(error.message).toMatch(/^Task not serializable: the function given to map uses "this" from the code around it/);
      expect(error.message).toMatch(/const factor = this\.factor/);
    });

    it('a bound function', () => {
      function add(a: number, b: number): number {
        return a + b;
      }
      const add2 = add.bind(null, 2);
      expect(refusal((x: number) => add2(x)).message).toMatch(/captures "add2" \(a bound function \(bound add\)\)\. Use an arrow function/);
    });

    it('a Promise', () => {
      const pending = Promise.resolve(1);
      expect(refusal(() => pending).message).toMatch(/captures "pending" \(a Promise, which cannot be copied to an executor\)\. Await it on the driver/);
    });

    it('an object with #private fields', () => {
      class Account {
        #balance = 5;
        get balance(): number {
          return this.#balance;
        }
      }
      const account = new Account();
      expect(refusal((x: number) => account.balance + x).message).toMatch(/captures "account" \(an instance of Account with #private fields \(#balance\)/);
    });

    it('a global defined only on the driver', () => {
      (globalThis as Record<string, unknown>).squallDriverOnlyGlobal = 5;
      try {
        expect(refusal((x: number) => x + squallDriverOnlyGlobal).message).toMatch(/uses the global variable "squallDriverOnlyGlobal", which exists only on the driver/);
      } finally {
        delete (globalThis as Record<string, unknown>).squallDriverOnlyGlobal;
      }
    });

    it('a net.Socket, with the exact message users get', () => {
      const socket = new net.Socket();
      expect(refusal((x: number) => socket.write(String(x))).message).toBe(
        'Task not serializable: the function given to map captures "socket" (a net.Socket, which cannot be copied to an executor). Create it inside the function, or pass plain data.',
      );
    });

    it('an object marked notSerializable (Context, RDD): SPARK-5063', () => {
      const rdd = { id: 3, [NOT_SERIALIZABLE]: 'RDD' };
      const message = refusal((x: number) => rdd.id + x).message;
      expect(message).toMatch(/captures "rdd" \(an RDD\)\. A Context or RDD can only be used on the driver, never inside a function that runs on executors/);
      expect(message).toMatch(/SPARK-5063/);
    });

    it('a bound function given directly', () => {
      const add = (a: number, b: number) => a + b;
      expect(refusal(add.bind(null, 1)).message).toMatch(/^Task not serializable: the function given to map is a bound function \(bound add\)\./);
    });

    it('an arrow function using the arguments of the function around it', () => {
      function outer(this: unknown, ..._args: number[]) {
        // eslint-disable-next-line prefer-rest-params
        return () => arguments[0] as number;
      }
      expect(refusal(outer(1)).message).toMatch(/uses "arguments" of the function around it/);
    });

    it('a WeakMap, a generator object and a local Symbol', () => {
      const cache = new WeakMap<object, number>();
      expect(refusal(() => cache).message).toMatch(/captures "cache" \(a WeakMap, which cannot be copied to an executor\)\. Use a Map/);
      const numbers = (function* () {
        yield 1;
      })();
      expect(refusal(() => numbers.next()).message).toMatch(/captures "numbers" \(a generator object/);
      const tag = Symbol('tag');
      expect(refusal(() => tag).message).toMatch(/captures "tag" \(a symbol created with Symbol\(\), Symbol\(tag\).*Use Symbol\.for/);
    });

    it('a destroyed Broadcast', () => {
      const gone = new Broadcast(9, [1]);
      gone.destroy();
      expect(refusal(() => gone.value).message).toMatch(/captures "gone" \(Broadcast 9, which has been destroyed\)/);
    });

    it('a nested capture names the whole path', () => {
      const socket = new net.Socket();
      const opts = { retries: 3, conn: socket };
      const send = (x: number) => opts.conn.write(String(x));
      expect(refusal((x: number) => send(x)).message).toMatch(/captures "send -> opts\.conn" \(a net\.Socket/);
    });
  });
});

describe("Spark's closure semantics", () => {
  it('mutating a captured counter in the worker leaves the driver value unchanged', async () => {
    let counter = 0;
    const increment = () => ++counter;
    const reply = await send(captureFunction(increment), { times: 3 });
    expect(reply.result).toBe(3);
    expect(counter).toBe(0);
    // Each capture snapshots the current value.
    counter = 10;
    expect((await send(captureFunction(increment))).result).toBe(11);
    expect(counter).toBe(10);
  });

  it('an error thrown by a rebuilt function names the original function and file in its stack', async () => {
    const limit = 3;
    function explodeAboveLimit(x: number): number {
      if (x > limit) throw new RangeError(`too big: ${x}`);
      return x;
    }
    await expect(send(captureFunction(explodeAboveLimit), { args: [4] })).rejects.toThrow(/too big: 4\n.*at explodeAboveLimit \(file:\/\/\/.*\/test\/closure\/capture\.test\.ts:\d+:\d+\)/);
  });

  it('rebuilding the same message twice gives independent copies of captured data', async () => {
    const items = [1, 2];
    const push = (x: number) => {
      items.push(x);
      return items.length;
    };
    const captured = captureFunction(push);
    const first = (await rebuildValue(captured)) as typeof push;
    const second = (await rebuildValue(captured)) as typeof push;
    expect(first(3)).toBe(3);
    expect(second(3)).toBe(3);
    expect(items).toEqual([1, 2]);
  });

  it('an Accumulator captured in a function adds into the running task scope', async () => {
    const acc = new Accumulator(7, 0, numberParam);
    const fn = (x: number) => {
      acc.add(x);
      acc.add(1);
      return x;
    };
    const captured = captureFunction(fn);
    expect(nodes(captured)).toContainEqual(expect.objectContaining({ kind: 'module', export: 'Accumulator', module: expect.stringMatching(/\/dist\/src\/context\/accumulator\.js$/) }));
    const reply = await send(captured, { args: [5], taskScope: true });
    expect(reply.result).toBe(5);
    expect(reply.updates).toEqual([[7, 6]]);
    expect(acc.value).toBe(0);
  });

  it('a Broadcast ships as a SharedArrayBuffer, serialised once and rebuilt once per worker', async () => {
    const lookup = new Broadcast(3, new Map([['a', 1], ['b', 2]]));
    const fn = (key: string) => lookup.value.get(key);
    const first = captureFunction(fn);
    const second = captureFunction(fn);
    const b1 = nodes(first).find((n) => n.kind === 'broadcast');
    const b2 = nodes(second).find((n) => n.kind === 'broadcast');
    expect(b1).toMatchObject({ kind: 'broadcast', broadcastId: 3, value: expect.any(Uint8Array) });
    expect((b1 as { value: Uint8Array }).value.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(b2?.kind === 'broadcast' && b1?.kind === 'broadcast' && b2.value === b1.value && b2.id === b1.id).toBe(true);
    expect((await send(first, { args: ['b'] })).result).toBe(2);
    const valueOf = (b: Broadcast<Map<string, number>>) => () => b.value;
    const probe = captureFunction(valueOf(lookup));
    expect((await send(probe, { keep: 'lookup' })).sameAsKept).toBeUndefined();
    expect((await send(captureFunction(valueOf(lookup)), { keep: 'lookup' })).sameAsKept).toBe(true);
  });

  it('result functions built by actions travel: a fold with a cloned zero, and collect', async () => {
    const zero = { sum: 0, seen: [] as number[] };
    const op = (acc: typeof zero, x: number) => ({ sum: acc.sum + x, seen: [...acc.seen, x] });
    const fold = foldPartition('fold', () => cloneValue(zero), (acc, x) => op(acc, x as number));
    const collect = collectPartition(2);
    const task = (records: number[]) => {
      let acc = fold.terminal.kind === 'fold' ? fold.terminal.zero() : undefined;
      for (const r of records) acc = fold.terminal.kind === 'fold' ? fold.terminal.step(acc, r) : acc;
      return [fold.finish(acc, 0), collect.finish(records, 0), collect.terminal];
    };
    await expectSameInWorker(task, [1, 2, 3]);
  });

  it('captureValue takes any value: a plan aggregator object with functions', async () => {
    const zero = 0;
    const f = (a: number, b: number) => a + b;
    const aggregator = { createCombiner: (v: number) => f(cloneValue(zero), v), mergeValue: f, mergeCombiners: f };
    const rebuilt = (await rebuildValue(captureValue(aggregator, { operation: 'foldByKey' }))) as typeof aggregator;
    expect(rebuilt.mergeValue).toBe(rebuilt.mergeCombiners);
    expect(rebuilt.mergeCombiners(rebuilt.createCombiner(2), 3)).toBe(5);
  });
});

describe('wire values keep what structured clone keeps', () => {
  it('undefined, NaN, -0, bigint, registered symbols, Dates, nested typed arrays, shared references and cycles', async () => {
    const shared = { n: 1 };
    const cyclic: Record<string, unknown> = { name: 'c' };
    cyclic.self = cyclic;
    const values = { u: undefined, nan: NaN, negZero: -0, big: 2n ** 70n, sym: Symbol.for('squall.test'), when: new Date(5), nested: [new Int16Array([1, -2])], a: shared, b: shared, cyclic };
    const rebuilt = (await rebuildValue(captureValue(values))) as typeof values;
    expect(rebuilt.u).toBeUndefined();
    expect(rebuilt.nan).toBeNaN();
    expect(Object.is(rebuilt.negZero, -0)).toBe(true);
    expect(rebuilt.big).toBe(2n ** 70n);
    expect(rebuilt.sym).toBe(Symbol.for('squall.test'));
    expect(rebuilt.when).toEqual(new Date(5));
    expect(rebuilt.nested[0]).toEqual(new Int16Array([1, -2]));
    expect(rebuilt.a).toBe(rebuilt.b);
    expect(rebuilt.cyclic.self).toBe(rebuilt.cyclic);
  });

  it('a function with a cycle through an object (obj.f captures obj)', async () => {
    const registry: { scale: number; apply?: (x: number) => number } = { scale: 4 };
    registry.apply = (x) => x * registry.scale;
    await expectSameInWorker((x: number) => registry.apply!(x), 3);
  });

  it('a class whose static field holds the captured instance (cycle through a class by value)', async () => {
    class Registry {
      static current: Registry | undefined;
      constructor(readonly name: string) {}
      greet(): string {
        return `hi ${this.name}`;
      }
    }
    const registry = new Registry('r');
    Registry.current = registry;
    await expectSameInWorker(() => [registry.greet(), Registry.current === registry, registry instanceof Registry], 0);
  });

  it('a typed array over a SharedArrayBuffer stays shared with the driver', async () => {
    const shared = new Int32Array(new SharedArrayBuffer(16));
    expect((await send(captureFunction((i: number) => (shared[i] = 42)), { args: [2] })).result).toBe(42);
    expect(shared[2]).toBe(42);
  });

  it('a captured SharedArrayBuffer itself stays shared with the driver', async () => {
    const memory = new SharedArrayBuffer(16);
    const captured = captureFunction((i: number) => (new Int32Array(memory)[i] = 7));
    expect(JSON.stringify(captured)).toContain('"sharedBuffer":true');
    expect((await send(captured, { args: [3] })).result).toBe(7);
    expect(new Int32Array(memory)[3]).toBe(7);
  });
});
