/**
 * Whole-stage code generation for narrow operators: a chain of element-wise RDDs plus a terminal
 * becomes one generated loop per partition. The generated function is compiled once per chain and
 * terminal kind and reused by every task of every job that runs that chain, with a fresh
 * `new Function` per chain so each chain's call sites stay monomorphic for V8.
 * Layer: operators. Runs in: driver (in-process) and workers.
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

const cache = new WeakMap<PlanNode, Map<string, CompiledLoop>>();
let compiledCount = 0;

function terminalCode(terminal: Terminal, v: string): string {
  if (terminal.kind === 'fold') return `acc = step(acc, ${v}); nOut++;\n`;
  if (terminal.limit !== undefined) return `out.push(${v}); nOut++; if (nOut >= limit) break outer;\n`;
  return `out.push(${v}); nOut++;\n`;
}

function generate(chain: readonly PlanNode[], terminal: Terminal, name: string): CompiledLoop {
  let body = terminalCode(terminal, `v${chain.length}`);
  for (let i = chain.length - 1; i >= 0; i--) {
    const node = chain[i] as PlanNode;
    const op = elementOps[node.args.op as string];
    if (!op) throw new Error(`Unknown element operator "${String(node.args.op)}" on RDD ${node.id}`);
    body = op.code(`v${i}`, `v${i + 1}`, body, `f${i}`, `s${i}`);
  }
  const bindings = chain.map((_, i) => `const f${i} = fns[${i}], s${i} = states[${i}];`).join('\n');
  const result = terminal.kind === 'fold' ? 'acc' : 'out';
  // Only a limited terminal needs to leave nested loops; a label on every loop costs V8 a 3x slowdown.
  const label = terminal.kind === 'array' && terminal.limit !== undefined ? 'outer: ' : '';
  // Each terminal kind gets its own preamble: a variable that may hold `undefined` or a number
  // (or a label on the loop) keeps V8 from optimising the loop, costing several times the speed.
  const preamble =
    terminal.kind === 'fold'
      ? 'const step = terminal.step;\nlet acc = terminal.zero();'
      : `const out = [];${terminal.limit !== undefined ? '\nconst limit = terminal.limit;' : ''}`;
  const source = `/* squall fused loop #${name} */
${bindings}
${preamble}
let nOut = 0;
const n = input.length;
${label}for (let i = 0; i < n; i++) {
const v0 = input[i];
${body}}
counter.recordsOut += nOut;
return ${result};`;
  const loop = new Function('input', 'fns', 'states', 'terminal', 'counter', source) as CompiledLoop;
  return loop;
}

/**
 * Runs a new loop once over no records, so that V8 has type feedback for the code after the loop.
 * Without it, the loop's on-stack-replaced optimised code bails out at the loop's end on every
 * task (measured: 72 bailouts in 72 tasks, and a 3x slower loop).
 */
function warmUp(loop: CompiledLoop, chain: readonly PlanNode[], terminal: Terminal): CompiledLoop {
  loop([], chain.map(() => undefined), chain.map(() => undefined), terminal, { recordsOut: 0 });
  return loop;
}

/**
 * Runs `chain` (element-wise RDDs, parent first) over one partition's `input` into `terminal`.
 * Returns the array of records, or the fold's accumulator.
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
  const key = `${terminal.kind}${terminal.kind === 'array' && terminal.limit !== undefined ? 'L' : ''}/${chain.length}`;
  let loop: CompiledLoop | undefined;
  if (owner) {
    let byKey = cache.get(owner);
    if (!byKey) cache.set(owner, (byKey = new Map()));
    loop = byKey.get(key);
    if (!loop) byKey.set(key, (loop = warmUp(generate(chain, terminal, `${++compiledCount} rdd ${owner.id}`), chain, terminal)));
  } else {
    loop = noChainLoops.get(key);
    if (!loop) noChainLoops.set(key, (loop = warmUp(generate(chain, terminal, `${++compiledCount} source`), chain, terminal)));
  }
  const fns = chain.map((node) => node.args.fn);
  const states = chain.map((node) => elementOps[node.args.op as string]?.state?.(node.args, partition, node.numPartitions));
  return loop(input, fns, states, terminal, counter);
}

const noChainLoops = new Map<string, CompiledLoop>();
