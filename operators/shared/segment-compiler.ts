/**
 * Whole-stage code generation for narrow operators: a chain of element-wise RDDs plus a terminal
 * becomes one generated loop per partition. The generated code is compiled once per chain and
 * terminal kind and reused by every task of every job that runs that chain, with a fresh
 * `new Function` per chain so each chain's call sites stay monomorphic and V8 inlines the user's
 * functions into the loop. Layer: operators. Runs in: driver (in-process) and workers.
 *
 * The loop runs in chunks of CHUNK records through an inner function. A single long loop per task
 * would be optimised by on-stack replacement only, and V8 reuses that OSR code on every task,
 * bailing out each time at the first instruction after the loop (measured: one bailout per task
 * and a loop 3x slower). Called once per chunk, the inner function is optimised normally.
 */
import type { PlanNode } from '../../src/rdd/plan-node.js';
import { elementOps } from './element-op.js';
import type { Terminal } from './terminal.js';

type CompiledLoop = (
  input: ArrayLike<unknown>,
  fns: readonly unknown[],
  states: readonly unknown[],
  terminal: Terminal,
  counter: { recordsOut: number },
) => unknown;

const CHUNK = 4096;
/**
 * Compiled loops by the RDD that ends the chain (its id and the chain's operators) and the kind of
 * terminal. Each RDD gets its own loop, so the functions it calls stay monomorphic. Keyed by id,
 * not by the node object: a worker rebuilds a stage's nodes for every task, and must not compile
 * the loop again each time. The operators are in the key because ids restart in every Context.
 */
const loops = new Map<string, CompiledLoop>();
/** Loops kept; the oldest is dropped past this (a long-lived process runs many Contexts). */
const KEEP_LOOPS = 512;
let compiledCount = 0;

/** What the innermost body does with a record `v` that reached the terminal. */
function terminalCode(terminal: Terminal, v: string): string {
  if (terminal.kind === 'fold') return `acc = step(acc, ${v}); nOut++;\n`;
  if (terminal.limit !== undefined) return `acc.push(${v}); nOut++; if (taken + nOut >= limit) { st.n += nOut; st.done = true; return acc; }\n`;
  return `acc.push(${v}); nOut++;\n`;
}

function generate(chain: readonly PlanNode[], terminal: Terminal, name: string): CompiledLoop {
  let body = terminalCode(terminal, `v${chain.length}`);
  for (let i = chain.length - 1; i >= 0; i--) {
    const node = chain[i] as PlanNode;
    const op = elementOps[node.args.op as string];
    if (!op) throw new Error(`Unknown element operator "${String(node.args.op)}" on RDD ${node.id}`);
    body = op.code(`v${i}`, `v${i + 1}`, body, `f${i}`, `s${i}`);
  }
  const params = chain.map((_, i) => `f${i}, s${i}`).join(', ');
  const args = params.length > 0 ? `, ${params}` : '';
  const bindings = chain.map((_, i) => `const f${i} = fns[${i}], s${i} = states[${i}];`).join('\n');
  const start = terminal.kind === 'fold' ? 'terminal.zero()' : '[]';
  const source = `/* squall fused loop #${name} */
function chunk(input, lo, hi, acc, st, step, limit, taken${args}) {
  let nOut = 0;
  for (let i = lo; i < hi; i++) {
    const v0 = input[i];
    ${body}
  }
  st.n += nOut;
  return acc;
}
return function fusedLoop(input, fns, states, terminal, counter) {
  ${bindings}
  const step = terminal.kind === 'fold' ? terminal.step : undefined;
  const limit = terminal.kind === 'array' && terminal.limit !== undefined ? terminal.limit : Infinity;
  const st = { n: 0, done: false };
  let acc = ${start};
  const n = input.length;
  for (let lo = 0; lo < n && !st.done; lo += ${CHUNK}) {
    acc = chunk(input, lo, lo + ${CHUNK} < n ? lo + ${CHUNK} : n, acc, st, step, limit, st.n${args});
  }
  counter.recordsOut += st.n;
  return acc;
};`;
  return new Function(source)() as CompiledLoop;
}

/**
 * Runs `chain` (element-wise RDDs, parent first) over one partition's `input` into `terminal`.
 * Returns the array of records, or the fold's accumulator.
 *
 * @example
 * ```ts
 * // chain = [map (x) => x * 10, filter (x) => x > 10], parent first
 * runFusedLoop(chain, 0, [1, 2, 3], { kind: 'array' }, { recordsOut: 0 }) // [20, 30]
 * const counter = { recordsOut: 0 };
 * runFusedLoop([chain[0]], 0, [1, 2, 3], { kind: 'fold', zero: () => 0, step: (a, r) => a + r }, counter) // 60; counter.recordsOut is 3
 * ```
 */
export function runFusedLoop(
  chain: readonly PlanNode[],
  partition: number,
  input: ArrayLike<unknown>,
  terminal: Terminal,
  counter: { recordsOut: number },
): unknown {
  if (chain.length === 0 && terminal.kind === 'array' && terminal.limit === undefined) {
    counter.recordsOut += input.length;
    return input;
  }
  const owner = chain.length > 0 ? (chain[chain.length - 1] as PlanNode) : undefined;
  const terminalKey = `${terminal.kind}${terminal.kind === 'array' && terminal.limit !== undefined ? 'L' : ''}`;
  const key = owner ? `${owner.id}:${chain.map((node) => String(node.args.op)).join(',')}:${terminalKey}` : `source:${terminalKey}`;
  let loop = loops.get(key);
  if (!loop) {
    loop = generate(chain, terminal, `${++compiledCount} ${owner ? `rdd ${owner.id}` : 'source'}`);
    if (loops.size >= KEEP_LOOPS) loops.delete(loops.keys().next().value as string);
    loops.set(key, loop);
  }
  const fns = chain.map((node) => node.args.fn);
  const states = chain.map((node) => elementOps[node.args.op as string]?.state?.(node.args, partition, node.numPartitions));
  return loop(input, fns, states, terminal, counter);
}
