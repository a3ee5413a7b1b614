/**
 * Argument checking: a bad argument fails with an IllegalArgumentError that names the value and
 * what is allowed, before any job runs (transformations and constructors throw at the call; actions
 * return a promise that rejects). Also: saving to a path leaves it untouched unless the job succeeds.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Context, IllegalArgumentError, JobAbortedError, StorageLevel, type ListenerEvent, type RDD } from '../../src/index.js';

let ctx: Context;
let events: ListenerEvent[];

beforeEach(() => {
  ctx = new Context({ localityWait: 0 });
  events = [];
  ctx.events.subscribe((e) => events.push(e));
});

afterEach(async () => {
  await ctx.stop();
});

/** Asserts that `call` throws synchronously an IllegalArgumentError whose message matches every pattern, and that no job started. */
function expectThrowsAtCall(call: () => unknown, ...patterns: RegExp[]): void {
  let thrown: unknown;
  try {
    call();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(IllegalArgumentError);
  const message = (thrown as Error).message;
  for (const p of patterns) expect(message).toMatch(p);
  expect((thrown as IllegalArgumentError).code).toBe('ILLEGAL_ARGUMENT');
  expect(events.filter((e) => e.type === 'jobStart' || e.type === 'taskStart')).toEqual([]);
}

/** Asserts that the action's promise rejects with an IllegalArgumentError matching every pattern, and that no job started. */
async function expectRejectsBeforeAnyJob(call: () => Promise<unknown>, ...patterns: RegExp[]): Promise<void> {
  const error = await call().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(IllegalArgumentError);
  for (const p of patterns) expect((error as Error).message).toMatch(p);
  expect(events.filter((e) => e.type === 'jobStart' || e.type === 'taskStart')).toEqual([]);
}

const nums = () => ctx.parallelize([1, 2, 3, 4, 5, 6], 3);
const pairs = () => ctx.parallelize([[1, 'a'], [2, 'b']] as Array<[number, string]>, 2);
/** A value of the wrong type, as an untyped caller (or JavaScript) could pass it. */
const untyped = <T>(value: unknown): T => value as T;

describe('transformations reject bad arguments at the call', () => {
  it('sample with a negative fraction', () => {
    expectThrowsAtCall(() => nums().sample(false, -0.5), /-0\.5/, /nonnegative|>= 0/);
    expectThrowsAtCall(() => nums().sample(true, -1, 3), /-1/, /nonnegative|>= 0/);
  });

  it('sample with a fraction above 1 without replacement (allowed with replacement)', () => {
    expectThrowsAtCall(() => nums().sample(false, 1.5), /1\.5/, /\[0, 1\]/);
    expect(nums().sample(true, 1.5, 1).getNumPartitions()).toBe(3);
  });

  it('sample with a non-boolean withReplacement', () => {
    expectThrowsAtCall(() => nums().sample(untyped<boolean>('yes'), 0.5), /yes/, /boolean/);
    expectThrowsAtCall(() => nums().sample(untyped<boolean>(1), 0.5), /1/, /boolean/);
  });

  it.each([0, -1, 1.5])('parallelize with %s partitions', (n) => {
    expectThrowsAtCall(() => ctx.parallelize([1, 2, 3], n), new RegExp(`(?<![\\d.-])${String(n).replace('.', '\\.')}(?![\\d.])`), /[Pp]ositive|>= 1/);
  });

  it.each([
    ['repartition', (n: number) => nums().repartition(n)],
    ['coalesce', (n: number) => nums().coalesce(n)],
    ['coalesce with shuffle', (n: number) => nums().coalesce(n, true)],
    ['partitionBy', (n: number) => pairs().partitionBy(n)],
  ])('%s(0) and %s(-2)', (_name, call) => {
    expectThrowsAtCall(() => call(0), /got 0\b/, /positive/);
    expectThrowsAtCall(() => call(-2), /-2/, /positive/);
    expectThrowsAtCall(() => call(2.5), /2\.5/, /positive integer/);
  });

  it('randomSplit with a negative weight names the weight', () => {
    expectThrowsAtCall(() => nums().randomSplit([0.5, -1, 2]), /weights\[1\]/, /-1/, /nonnegative/);
  });

  it('randomSplit with weights that are all zero', () => {
    expectThrowsAtCall(() => nums().randomSplit([0, 0]), /\[0, 0\]/, /Sum of weights must be positive/);
  });

  it('randomSplit with an empty array of weights', () => {
    expectThrowsAtCall(() => nums().randomSplit([]), /\[\]/, /non-empty/);
  });

  it('zip of RDDs with different partition counts names both counts', () => {
    expectThrowsAtCall(() => ctx.parallelize([1, 2, 3], 2).zip(ctx.parallelize([1, 2, 3], 3)), /has 2/, /has 3/, /same number of partitions/);
  });

  it.each([
    ['map', (f: unknown) => nums().map(untyped(f))],
    ['filter', (f: unknown) => nums().filter(untyped(f))],
    ['flatMap', (f: unknown) => nums().flatMap(untyped(f))],
    ['reduceByKey', (f: unknown) => pairs().reduceByKey(untyped(f))],
    ['mapPartitions', (f: unknown) => nums().mapPartitions(untyped(f))],
    ['keyBy', (f: unknown) => nums().keyBy(untyped(f))],
  ])('%s with a non-function', (name, call) => {
    expectThrowsAtCall(() => call(5), new RegExp(`^${name}\\b`), /function/, /5/);
    expectThrowsAtCall(() => call('x => x'), /function/, /x => x/);
    expectThrowsAtCall(() => call(null), /function/, /null/);
  });

  it('persist with a different level after a level was set (same level is fine, unpersist allows a change)', () => {
    const rdd = nums().cache();
    expect(rdd.cache()).toBe(rdd);
    expectThrowsAtCall(() => rdd.persist(StorageLevel.DISK_ONLY), /MEMORY_ONLY/, /DISK_ONLY/, /Cannot change storage level/);
    expect(rdd.getStorageLevel()).toBe(StorageLevel.MEMORY_ONLY);
    rdd.unpersist();
    expect(rdd.persist(StorageLevel.DISK_ONLY).getStorageLevel()).toBe(StorageLevel.DISK_ONLY);
  });

  it('range with step 0', () => {
    expectThrowsAtCall(() => ctx.range(0, 10, 0), /step=0/, /non-zero/);
  });
});

describe('the Context rejects bad options at construction', () => {
  it.each(['local[x]', 'yarn', 'local[0]', 'local-cluster[0,6]', ''])('master %j', (master) => {
    let thrown: unknown;
    try {
      new Context({ master });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(IllegalArgumentError);
    expect((thrown as Error).message).toContain(`"${master}"`);
    expect((thrown as Error).message).toMatch(/local-cluster\[E,C\]/);
  });

  it.each([0, -3, 2.5])('defaultParallelism %s', (n) => {
    expect(() => new Context({ defaultParallelism: n })).toThrow(IllegalArgumentError);
    expect(() => new Context({ defaultParallelism: n })).toThrow(`defaultParallelism must be an integer >= 1, got ${n}`);
  });

  it('maxFailures 0 and a negative localityWait', () => {
    expect(() => new Context({ maxFailures: 0 })).toThrow(/maxFailures must be an integer >= 1, got 0/);
    expect(() => new Context({ localityWait: -5 })).toThrow(/localityWait must be >= 0 ms, got -5/);
  });

  it('killExecutor of an executor that is not live names it and the live ones', () => {
    expectThrowsAtCall(() => ctx.killExecutor('7'), /"7"/, /0, 1/);
    ctx.killExecutor('0');
    expectThrowsAtCall(() => ctx.killExecutor('0'), /"0"/, /1, 2/);
  });

  it('accepts the documented master forms', async () => {
    for (const [master, executors, cores] of [
      ['local', 1, 1],
      ['local[3]', 1, 3],
      ['local[2,4]', 1, 2],
      ['local-cluster[3,2]', 3, 2],
    ] as const) {
      const c = new Context({ master, localityWait: 0 });
      expect(c.executors().map((e) => e.totalCores)).toEqual(Array(executors).fill(cores));
      expect(await c.range(0, 10).count()).toBe(10);
      await c.stop();
    }
  });
});

describe('actions reject bad arguments before running a job', () => {
  it('an async function where a function of records is expected', () => {
    expectThrowsAtCall(() => nums().map(async (x) => x * 2), /map\(f\) needs a synchronous function, got an async function/, /Promise/);
    expectThrowsAtCall(() => nums().filter(async () => true), /filter\(f\) needs a synchronous function/);
  });

  it('max and min with a key that is not a function', async () => {
    await expectRejectsBeforeAnyJob(() => nums().max(untyped(5)), /max/, /key/, /function/);
    await expectRejectsBeforeAnyJob(() => nums().min(untyped('x')), /min/, /key/, /function/);
  });

  it('a signal that is not an AbortSignal, leaving no job behind', async () => {
    await expectRejectsBeforeAnyJob(() => nums().count({ signal: untyped(5) }), /AbortSignal/, /5/);
    expect(Object.values(ctx.bookkeeping()).every((n) => n === 0)).toBe(true);
  });

  it('histogram(n) over records that are not numbers rejects once, with no failed task', async () => {
    const error = await ctx
      .parallelize(['a', 'b', 'c'], 3)
      .histogram(2)
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(IllegalArgumentError);
    expect((error as Error).message).toMatch(/histogram\(2\) can only compute even buckets over numbers, but found string "a"/);
    expect(events.filter((e) => e.type === 'taskEnd' && e.reason.kind !== 'success')).toEqual([]);
  });

  it('histogram with unsorted buckets', async () => {
    await expectRejectsBeforeAnyJob(() => nums().histogram([3, 1, 5]), /sorted/, /3/, /1/);
  });

  it('histogram with duplicated buckets', async () => {
    await expectRejectsBeforeAnyJob(() => nums().histogram([1, 2, 2, 5]), /duplicated/, /2/);
  });

  it('histogram with a single bucket boundary', async () => {
    await expectRejectsBeforeAnyJob(() => nums().histogram([1]), /more than one value/, /\[1\]/);
  });

  it('histogram with 0 buckets', async () => {
    await expectRejectsBeforeAnyJob(() => nums().histogram(0), /number of buckets must be >= 1/, /got 0/);
    await expectRejectsBeforeAnyJob(() => nums().histogram(-2), /number of buckets must be >= 1/, /-2/);
  });

  it('take(-1)', async () => {
    await expectRejectsBeforeAnyJob(() => nums().take(-1), /-1/, />= 0/);
  });

  it('takeSample with a negative size rejects', async () => {
    await expectRejectsBeforeAnyJob(() => nums().takeSample(false, -1), /Sample size cannot be negative/, /-1/);
    await expectRejectsBeforeAnyJob(() => nums().takeSample(true, -5, 1), /-5/);
  });

  it('takeOrdered and top with a negative n', async () => {
    await expectRejectsBeforeAnyJob(() => nums().takeOrdered(-1), /cannot be negative/, /-1/);
    await expectRejectsBeforeAnyJob(() => nums().top(-3), /cannot be negative/, /-3/);
  });

  it('treeAggregate with depth 0', async () => {
    await expectRejectsBeforeAnyJob(() => nums().treeAggregate(0, (a, b) => a + b, (a, b) => a + b, 0), /Depth cannot be smaller than 1/, /got 0/);
    await expectRejectsBeforeAnyJob(() => nums().treeReduce((a, b) => a + b, -1), /Depth cannot be smaller than 1/, /-1/);
  });
});

describe('saveAsTextFile', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'squall-args-test-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes one part file per partition and a _SUCCESS marker', async () => {
    const out = join(dir, 'out');
    await ctx.parallelize(['a', 'b', 'c'], 2).saveAsTextFile(out);
    expect(readdirSync(out).sort()).toEqual(['_SUCCESS', 'part-00000', 'part-00001']);
    expect(readFileSync(join(out, 'part-00001'), 'utf8')).toBe('b\nc\n');
    expect(readdirSync(dir)).toEqual(['out']);
  });

  it('to an existing path rejects, runs no job and leaves the path untouched', async () => {
    const out = join(dir, 'existing');
    mkdirSync(out);
    writeFileSync(join(out, 'keep.txt'), 'precious');
    const error = await ctx.parallelize([1, 2, 3], 2).saveAsTextFile(out).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(IllegalArgumentError);
    expect((error as Error).message).toContain(out);
    expect((error as Error).message).toMatch(/already exists/);
    expect(readdirSync(out)).toEqual(['keep.txt']);
    expect(readFileSync(join(out, 'keep.txt'), 'utf8')).toBe('precious');
    expect(readdirSync(dir)).toEqual(['existing']);
    expect(events.filter((e) => e.type === 'jobStart')).toEqual([]);
  });

  it('that fails leaves no output folder and no temporary folder behind', async () => {
    const out = join(dir, 'never');
    const failing: RDD<string> = ctx.parallelize(Array.from({ length: 40 }, (_, i) => i), 8).map((x) => {
      if (x === 33) throw new Error('cannot format 33');
      return `line ${x}`;
    });
    await expect(failing.saveAsTextFile(out)).rejects.toBeInstanceOf(JobAbortedError);
    // Other partitions succeeded (and wrote their parts) before the job aborted.
    expect(events.some((e) => e.type === 'taskEnd' && e.reason.kind === 'success')).toBe(true);
    for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('with a null record fails the job and leaves nothing behind', async () => {
    const out = join(dir, 'nulls');
    await expect(ctx.parallelize(['a', null, 'c'], 1).saveAsTextFile(out)).rejects.toThrow(/null/);
    expect(readdirSync(dir)).toEqual([]);
  });
});
