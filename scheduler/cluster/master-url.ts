/**
 * Parsing Spark master URLs: `local`, `local[N]`, `local[*]`, `local[N,F]` and
 * `local-cluster[E,C]` (E executors of C cores each). Layer: scheduler. Runs in: driver.
 */
import { availableParallelism } from 'node:os';
import { IllegalArgumentError } from '../../src/core/errors.js';

/** The executors a master URL describes, and Spark's default task retry count for it. */
export interface ClusterSpec {
  readonly master: string;
  readonly numExecutors: number;
  readonly coresPerExecutor: number;
  /** spark.task.maxFailures: 1 for local masters (unless `local[N,F]`), 4 for a cluster. */
  readonly maxFailures: number;
}

/**
 * Parses a master URL.
 *
 * @example
 * ```ts
 * parseMaster('local[4]') // { master: 'local[4]', numExecutors: 1, coresPerExecutor: 4, maxFailures: 1 }
 * parseMaster('local[2,3]') // { master: 'local[2,3]', numExecutors: 1, coresPerExecutor: 2, maxFailures: 3 }
 * parseMaster('local-cluster[2,3]') // { master: 'local-cluster[2,3]', numExecutors: 2, coresPerExecutor: 3, maxFailures: 4 }
 * parseMaster('yarn') // throws IllegalArgumentError: Invalid master URL "yarn": it is not one of the supported forms. ...
 * ```
 */
export function parseMaster(master: string): ClusterSpec {
  const text = master.trim();
  if (text === 'local') return { master: text, numExecutors: 1, coresPerExecutor: 1, maxFailures: 1 };
  let m = /^local\[(\*|\d+)(?:\s*,\s*(\d+))?\]$/.exec(text);
  if (m) {
    const cores = m[1] === '*' ? availableParallelism() : Number(m[1]);
    if (cores < 1) throw badMaster(master, 'the number of cores must be at least 1');
    const failures = m[2] === undefined ? 1 : Number(m[2]);
    if (failures < 1) throw badMaster(master, 'maxFailures must be at least 1');
    return { master: text, numExecutors: 1, coresPerExecutor: cores, maxFailures: failures };
  }
  m = /^local-cluster\[\s*(\d+)\s*,\s*(\d+)\s*(?:,\s*(\d+)\s*)?\]$/.exec(text);
  if (m) {
    const executors = Number(m[1]);
    const cores = Number(m[2]);
    if (executors < 1 || cores < 1) throw badMaster(master, 'executors and cores must be at least 1');
    return { master: text, numExecutors: executors, coresPerExecutor: cores, maxFailures: 4 };
  }
  throw badMaster(master, 'it is not one of the supported forms');
}

function badMaster(master: string, why: string): IllegalArgumentError {
  return new IllegalArgumentError(
    `Invalid master URL "${master}": ${why}. Use "local", "local[N]", "local[*]", "local[N,maxFailures]" or "local-cluster[E,C]" (E executors of C cores).`,
  );
}
