/**
 * Terminals: what the end of a task's fused loop does with each record. Either collect records
 * into an array (optionally stopping after `limit`), or fold them into an accumulator, which lets
 * count, sum, reduce, aggregate and the shuffle writer run without building an array.
 * Layer: operators. Runs in: driver (in-process) and workers.
 */

/** Collect the records into an array; stop early after `limit` records. */
export interface ArrayTerminal {
  readonly kind: 'array';
  readonly limit?: number;
}

/** Fold the records: `acc = step(acc, record)`, starting from `zero()`. */
export interface FoldTerminal<A = unknown> {
  readonly kind: 'fold';
  readonly zero: () => A;
  readonly step: (acc: A, record: unknown) => A;
}

export type Terminal = ArrayTerminal | FoldTerminal;

/** The plain array terminal. */
export const ARRAY: ArrayTerminal = { kind: 'array' };
