/**
 * Element-wise operators (map, filter, flatMap, sample ...) as code templates. Consecutive
 * element-wise RDDs of one stage are fused into one generated loop per partition (see
 * segment-compiler.ts), so user functions are called from fresh, monomorphic call sites that V8
 * can inline. Layer: operators. Runs in: driver (in-process) and workers.
 */
import { SeededRandom, partitionSeed } from '../../src/core/random.js';

/** One element-wise operator of a fused loop. */
export interface ElementOpDefinition {
  /**
   * Code for this operator: reads record `input`, declares `output` for `body`.
   * `fn` names the user function, `state` the per-partition state.
   */
  code(input: string, output: string, body: string, fn: string, state: string): string;
  /** The per-partition state (a seeded sampler, a counter), or undefined. */
  state?(args: Readonly<Record<string, unknown>>, partition: number, numPartitions: number): unknown;
}

/** Sampler state: a generator seeded from (seed, partition index). */
export class SamplerState {
  readonly rng: SeededRandom;
  constructor(
    seed: number,
    partition: number,
    readonly fraction: number,
    readonly lowerBound = 0,
    readonly upperBound = 1,
  ) {
    this.rng = new SeededRandom(partitionSeed(seed, partition));
  }
}

/** Counter state for zipWithIndex and zipWithUniqueId. */
export class CounterState {
  count = 0;
  constructor(
    readonly base: number,
    readonly stride: number,
  ) {}
}

export const elementOps: Readonly<Record<string, ElementOpDefinition>> = {
  map: { code: (i, o, body, f) => `const ${o} = ${f}(${i});\n${body}` },
  filter: { code: (i, o, body, f) => `if (${f}(${i})) { const ${o} = ${i};\n${body}}` },
  flatMap: { code: (i, o, body, f) => `for (const ${o} of ${f}(${i})) {\n${body}}` },
  mapValues: { code: (i, o, body, f) => `const ${o} = [${i}[0], ${f}(${i}[1])];\n${body}` },
  flatMapValues: {
    code: (i, o, body, f) => `for (const ${o}_v of ${f}(${i}[1])) { const ${o} = [${i}[0], ${o}_v];\n${body}}`,
  },
  bernoulli: {
    code: (i, o, body, _f, s) => `if (${s}.rng.nextDouble() < ${s}.fraction) { const ${o} = ${i};\n${body}}`,
    state: (args, p) => new SamplerState(args.seed as number, p, args.fraction as number),
  },
  poisson: {
    code: (i, o, body, _f, s) =>
      `for (let ${o}_n = ${s}.rng.nextPoisson(${s}.fraction); ${o}_n > 0; ${o}_n--) { const ${o} = ${i};\n${body}}`,
    state: (args, p) => new SamplerState(args.seed as number, p, args.fraction as number),
  },
  splitRange: {
    code: (i, o, body, _f, s) =>
      `{ const ${o}_u = ${s}.rng.nextDouble(); if (${o}_u >= ${s}.lowerBound && ${o}_u < ${s}.upperBound) { const ${o} = ${i};\n${body}} }`,
    state: (args, p) => new SamplerState(args.seed as number, p, 0, args.lowerBound as number, args.upperBound as number),
  },
  withIndex: {
    code: (i, o, body, _f, s) => `const ${o} = [${i}, ${s}.base + ${s}.stride * ${s}.count++];\n${body}`,
    state: (args, p, n) => {
      if (args.uniqueIds) return new CounterState(p, n);
      const offsets = args.offsets as { value?: number[] };
      if (offsets.value === undefined) throw new Error('zipWithIndex ran before its partition offsets were computed');
      return new CounterState(offsets.value[p] ?? 0, 1);
    },
  },
};
