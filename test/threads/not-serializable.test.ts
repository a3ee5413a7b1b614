/**
 * What cannot travel to a worker is refused at the call that received it, before any job or task
 * runs: a transformation throws TaskNotSerializableError at once, an action rejects before it
 * submits a job. The message names the operation and its call site, the captured variable, and
 * the fix. Runs in: vitest (driver), on the threads backend.
 */
import net from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Context, TaskNotSerializableError, type ListenerEvent, type RDD } from '../../src/index.js';

let ctx: Context;
let events: ListenerEvent[];

beforeEach(() => {
  ctx = new Context({ backend: 'threads' });
  events = [];
  ctx.events.subscribe((e) => events.push(e));
});

afterEach(async () => {
  await ctx.stop();
});

/** The error `call` throws, which must be a TaskNotSerializableError. */
function refusalOf(call: () => unknown): TaskNotSerializableError {
  try {
    call();
  } catch (error) {
    expect(error).toBeInstanceOf(TaskNotSerializableError);
    return error as TaskNotSerializableError;
  }
  throw new Error('the call was not refused');
}

/** Nothing ran: no job started, no task launched. */
function expectNothingRan(): void {
  expect(events.filter((e) => e.type === 'jobStart' || e.type === 'taskStart')).toEqual([]);
}

const socket = new net.Socket();

// Each case: what the closure captures, a transformation using it, and what the message must say.
const cases: Array<{ name: string; build: (numbers: RDD<number>) => unknown; says: RegExp[] }> = [
  {
    name: 'a socket',
    build: (numbers) => numbers.map((x) => (socket.destroyed ? x : -x)),
    says: [/the function given to map at not-serializable\.test\.ts:\d+ captures "socket"/, /net\.Socket/, /Create it inside the function/],
  },
  {
    name: 'an arrow function that uses this',
    build: function (this: { factor: number }, numbers: RDD<number>) {
      return numbers.map((x) => x * this.factor);
    }.bind({ factor: 2 }) as (numbers: RDD<number>) => unknown,
    says: [/the function given to map at .* uses "this"/, /const factor = this\.factor/],
  },
  {
    name: 'a bound function',
    build: (numbers) =>
      numbers.map(
        function (this: { k: number }, x: number) {
          return x * this.k;
        }.bind({ k: 3 }),
      ),
    says: [/the function given to map at .* is a bound function/, /arrow function/],
  },
  {
    name: 'a Promise',
    build: (numbers) => {
      const pending = Promise.resolve(4);
      return numbers.filter((x) => pending !== undefined && x > 0);
    },
    says: [/the function given to filter at .* captures "pending" \(a Promise/, /Await it on the driver/],
  },
  {
    name: 'a class instance with #private fields',
    build: (numbers) => {
      class Secret {
        #value = 5;
        get value(): number {
          return this.#value;
        }
      }
      const secret = new Secret();
      return numbers.flatMap((x) => [x, secret.value]);
    },
    says: [/the function given to flatMap at .* captures "secret"/, /#private fields \(#value\)/, /public fields/],
  },
  {
    name: 'a direct eval',
    build: (numbers) => {
      const k = 5;
      return numbers.map((x) => (k > 0 ? (eval('x * k') as number) : x));
    },
    says: [/the function given to map at .* calls eval/],
  },
  {
    name: 'the Context',
    build: (numbers) => numbers.map((x) => x + ctx.defaultParallelism),
    says: [/the function given to map at .* captures "ctx" \(a Context\)/, /only be used on the driver/],
  },
  {
    name: 'another RDD',
    build: (numbers) => {
      const other = ctx.range(3);
      return numbers.map((x) => x + other.getNumPartitions());
    },
    says: [/the function given to map at .* captures "other" \(an RDD\)/],
  },
  {
    name: 'a socket, in the function of a shuffle (reduceByKey)',
    build: (numbers) => numbers.map((x) => [x % 2, x] as [number, number]).reduceByKey((a, b) => (socket.destroyed ? a + b : a)),
    says: [/the function given to reduceByKey at .* captures "socket"/],
  },
  {
    name: 'a socket, in a custom partition function (partitionBy)',
    build: (numbers) => numbers.map((x) => [x, x] as [number, number]).partitionBy(2, (key) => (socket.destroyed ? 0 : Number(key) % 2)),
    says: [/the function given to partitionBy at .* captures "socket"/],
  },
];

describe('a transformation whose function cannot travel is refused at its call', () => {
  for (const c of cases) {
    it(`${c.name}: TaskNotSerializableError at the call, naming the operation, the variable and the fix; nothing runs`, async () => {
      const numbers = ctx.parallelize([1, 2, 3, 4], 2);
      const error = refusalOf(() => c.build(numbers));
      for (const pattern of c.says) expect(error.message).toMatch(pattern);
      expect(error.message).toMatch(/^Task not serializable: /);
      expectNothingRan();
      // The context stays usable.
      expect(await numbers.map((x) => x * 2).collect()).toEqual([2, 4, 6, 8]);
    });
  }

  it('a driver-only global used directly names the global and says how to capture it', () => {
    (globalThis as Record<string, unknown>).squallOnlyHere = 7;
    const error = refusalOf(() =>
      ctx.range(3).map((x) => x + (squallOnlyHere as number)),
    );
    expect(error.message).toMatch(/the function given to map at .* uses the global variable "squallOnlyHere", which exists only on the driver/);
    expect(error.message).toMatch(/const squallOnlyHereCopy = globalThis\.squallOnlyHere/);
    expectNothingRan();
  });
});

declare const squallOnlyHere: unknown;

describe('an action whose function cannot travel rejects before it submits a job', () => {
  const actions: Array<[string, (numbers: RDD<number>) => Promise<unknown>]> = [
    ['foreach', (numbers) => numbers.foreach((x) => void (socket.destroyed && x))],
    ['foreachPartition', (numbers) => numbers.foreachPartition((part) => void (socket.destroyed && part))],
    ['reduce', (numbers) => numbers.reduce((a, b) => (socket.destroyed ? a + b : a))],
    ['fold', (numbers) => numbers.fold(0, (a, b) => (socket.destroyed ? a + b : a))],
    ['aggregate', (numbers) => numbers.aggregate(0, (a, b) => (socket.destroyed ? a + b : a), (a, b) => a + b)],
    ['treeAggregate', (numbers) => numbers.treeAggregate(0, (a, b) => a + b, (a, b) => (socket.destroyed ? a + b : a))],
  ];
  for (const [name, run] of actions) {
    it(`${name}`, async () => {
      const numbers = ctx.parallelize([1, 2, 3, 4], 2);
      const error = await run(numbers).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(TaskNotSerializableError);
      expect((error as Error).message).toMatch(new RegExp(`the function given to ${name} at not-serializable\\.test\\.ts:\\d+ captures "socket"`));
      expectNothingRan();
      expect(await numbers.sum()).toBe(10);
    });
  }
});

describe('a task whose output cannot be copied to the driver fails clearly', () => {
  it('records holding functions or generator objects fail as TaskResultNotSerializableError, not as a crashed worker', async () => {
    const local = new Context({ backend: 'threads', maxFailures: 1 });
    try {
      const error = await local
        .parallelize([1, 2], 2)
        .map((x) => ({ x, callback: () => x }))
        .collect()
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect((error as Error).message).toMatch(/TaskResultNotSerializableError: The output of task \d+ \(partition \d, stage 0\) cannot be sent to the driver: the result\[0\]\.callback is a function/);
      expect((error as Error).message).not.toMatch(/WorkerCrashError/);
      // A generator function is fine where an iterable is expected (flatMap), as in PySpark.
      expect(
        await local
          .parallelize([3], 1)
          .flatMap(function* (n) {
            for (let i = 0; i < n; i++) yield i;
          })
          .collect(),
      ).toEqual([0, 1, 2]);
    } finally {
      await local.stop();
    }
  });
});

describe('the in-process backend ships nothing, so it checks nothing', () => {
  it('the same closure runs there (a documented difference, see docs/porting.md)', async () => {
    const local = new Context({ backend: 'inprocess' });
    try {
      expect(await local.parallelize([1, 2]).map((x) => (socket.destroyed ? x : x)).collect()).toEqual([1, 2]);
    } finally {
      await local.stop();
    }
  });
});
