/**
 * Shared fast-check arbitraries and context helpers for the RDD property suite, plus the
 * plain-array models (Spark's parallelize slicing, canonical multisets) the properties compare to.
 * Each test gets its own Context (stopped afterwards); `settle` checks it is idle after every action.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import { Context, InProcessBackend, type ContextOptions } from '../../src/index.js';

// ---- arbitraries ------------------------------------------------------------------------------

/** Small integers, with plenty of duplicates. */
export const smallInt = fc.integer({ min: -20, max: 20 });

/** Lists of small integers (possibly empty; `size: 'medium'` so lengths spread over 0..60, not just 0..10). */
export const intList = fc.array(smallInt, { maxLength: 60, size: 'medium' });

/** Non-empty lists of small integers. */
export const nonEmptyIntList = fc.array(smallInt, { minLength: 1, maxLength: 60, size: 'medium' });

/** Short strings over a small alphabet (so duplicates and shared prefixes are common). */
export const shortString = fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'Z', 'é', ' '), maxLength: 4 });

/** Lists of short strings. */
export const stringList = fc.array(shortString, { maxLength: 40, size: 'medium' });

/** A key drawn from few distinct values: either small non-negative integers or short strings. */
export const fewKeys = fc.oneof(
  fc.integer({ min: 0, max: 5 }).map((k) => k as number | string),
  fc.constantFrom('a', 'b', 'c', 'd', 'ab').map((k) => k as number | string),
);

/** Lists of [key, value] pairs with few distinct keys (keys of one type per list). */
export const pairList: fc.Arbitrary<Array<[number | string, number]>> = fc.oneof(
  fc.array(fc.tuple(fc.integer({ min: 0, max: 5 }), smallInt), { maxLength: 50, size: 'medium' }),
  fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c', 'd', 'ab'), smallInt), { maxLength: 50, size: 'medium' }),
) as fc.Arbitrary<Array<[number | string, number]>>;

/** Two pair lists whose keys are of the same type and overlap partly. */
export const pairListPair: fc.Arbitrary<[Array<[number | string, number]>, Array<[number | string, number]>]> = fc.oneof(
  fc.tuple(
    fc.array(fc.tuple(fc.integer({ min: 0, max: 6 }), smallInt), { maxLength: 30, size: 'medium' }),
    fc.array(fc.tuple(fc.integer({ min: 3, max: 9 }), smallInt), { maxLength: 30, size: 'medium' }),
  ),
  fc.tuple(
    fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c', 'd'), smallInt), { maxLength: 30, size: 'medium' }),
    fc.array(fc.tuple(fc.constantFrom('c', 'd', 'e', 'f'), smallInt), { maxLength: 30, size: 'medium' }),
  ),
) as fc.Arbitrary<[Array<[number | string, number]>, Array<[number | string, number]>]>;

/** A partition count 1..24. */
export const partitions = fc.integer({ min: 1, max: 24 });

/** A seed for sample, randomSplit and takeSample. */
export const seed = fc.integer({ min: 0, max: 2 ** 31 - 1 });

// ---- contexts ---------------------------------------------------------------------------------

/**
 * Options of every test Context: `localityWait: 0`, and the in-process backend (deterministic and
 * cheap to start) unless the SQUALL_BACKEND environment variable names a backend, in which case the
 * Context chooses it (e.g. `SQUALL_BACKEND=threads npx vitest run test/property`).
 */
function testContextOptions(options: ContextOptions): ContextOptions {
  const backend = process.env.SQUALL_BACKEND ? {} : { backend: new InProcessBackend() };
  return { localityWait: 0, ...backend, ...options };
}

/** Scheduler bookkeeping is empty and no executor ever ran more tasks than its 6 cores. */
export function expectIdle(ctx: Context): void {
  const book = ctx.bookkeeping();
  for (const [name, size] of Object.entries(book)) expect(size, `bookkeeping ${name} after the action`).toBe(0);
  expect(ctx.maxConcurrentTasksPerExecutor).toBeLessThanOrEqual(6);
}

/**
 * Awaits an action, then checks the scheduler is idle (also when the action rejected).
 * Returns the action's value or rethrows its error.
 */
export async function settle<T>(ctx: Context, action: Promise<T>): Promise<T> {
  try {
    return await action;
  } finally {
    expectIdle(ctx);
  }
}

/**
 * Runs `body` (typically a whole `fc.assert`, so one Context serves every generated case of a
 * test) with a fresh Context, checks the scheduler is idle afterwards and always stops the context.
 */
export async function withContext<R>(body: (ctx: Context) => Promise<R>, options: ContextOptions = {}): Promise<R> {
  return withContexts([options], ([ctx]) => body(ctx as Context));
}

/** withContext for several Contexts at once (one per options object), e.g. to compare masters. */
export async function withContexts<R>(optionsList: readonly ContextOptions[], body: (ctxs: Context[]) => Promise<R>): Promise<R> {
  const ctxs: Context[] = [];
  try {
    for (const options of optionsList) ctxs.push(new Context(testContextOptions(options)));
    const result = await body(ctxs);
    for (const ctx of ctxs) expectIdle(ctx);
    return result;
  } finally {
    for (const ctx of ctxs) await ctx.stop();
  }
}

// ---- plain-array models -----------------------------------------------------------------------

/** Spark's parallelize slicing: partition i of n over len items holds [floor(i*len/n), floor((i+1)*len/n)). */
export function slices<T>(data: readonly T[], n: number): T[][] {
  return Array.from({ length: n }, (_, i) => data.slice(Math.floor((i * data.length) / n), Math.floor(((i + 1) * data.length) / n)));
}

/** A canonical, order-free form of a multiset, for `toEqual`. */
export function multiset(values: readonly unknown[]): string[] {
  return values.map((v) => JSON.stringify(v)).sort();
}

/** Numeric ascending comparator. */
export const byNumber = (a: number, b: number): number => a - b;

/** Ascending comparator by UTF-16 code units (the order of `<` on strings). */
export const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Ascending comparator for keys of one type (numbers or strings). */
export function byKey(a: number | string, b: number | string): number {
  return typeof a === 'number' && typeof b === 'number' ? a - b : byCodeUnits(String(a), String(b));
}

/** Distinct values in first-seen order (=== equality on primitives). */
export function distinctOf<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

/** Groups pairs by key: key -> values in data order. */
export function groupPairs<K, V>(pairs: ReadonlyArray<readonly [K, V]>): Map<K, V[]> {
  const groups = new Map<K, V[]>();
  for (const [k, v] of pairs) {
    const list = groups.get(k);
    if (list) list.push(v);
    else groups.set(k, [v]);
  }
  return groups;
}

/** True when `sub` is a subsequence of `whole` (same relative order, multiplicities respected). */
export function isSubsequence<T>(sub: readonly T[], whole: readonly T[]): boolean {
  let j = 0;
  for (const x of whole) if (j < sub.length && x === sub[j]) j++;
  return j === sub.length;
}

/**
 * Number of runs for a property: `base`, scaled by the SQUALL_PROP_SCALE environment variable
 * (default 1) for deeper local runs, e.g.
 * `SQUALL_PROP_SCALE=20 npx vitest run test/property --testTimeout=300000`.
 */
export function runs(base: number): number {
  const scale = Number(process.env.SQUALL_PROP_SCALE ?? '1');
  return Math.max(1, Math.round(base * (Number.isFinite(scale) && scale > 0 ? scale : 1)));
}
