/**
 * saveAsTextFile and saveAsObjectFile: one `part-NNNNN` file per partition, written by the task
 * that computed it, into a temporary folder that becomes `path` only when every task succeeded
 * (with a `_SUCCESS` marker). A failed job leaves nothing at `path`.
 * Layer: context. Runs in: driver (commit) and tasks (part files).
 */
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { IllegalArgumentError } from '../../core/errors.js';
import { serialize } from '../../core/serializer.js';
import type { ResultFunction } from '../../../operators/shared/result-function.js';

/**
 * The text line of one record: strings as they are, numbers and booleans by String, other values as JSON.
 *
 * @example
 * ```ts
 * recordToLine('a') // 'a'
 * recordToLine(3) // '3'
 * recordToLine([1, 'a']) // '[1,"a"]'
 * recordToLine(null) // throws IllegalArgumentError: text files do not allow null rows; ...
 * ```
 */
export function recordToLine(record: unknown): string {
  if (record === null || record === undefined) {
    throw new IllegalArgumentError(`text files do not allow ${String(record)} rows; map them to a string first.`);
  }
  if (typeof record === 'string') return record;
  if (typeof record === 'number' || typeof record === 'boolean' || typeof record === 'bigint') return String(record);
  return JSON.stringify(record);
}

/**
 * Where the parts are written before the commit.
 *
 * @example
 * ```ts
 * temporaryDir('out/words') // '/abs/path/out/words.squall-tmp-13655-43q3wa2wf7m' (created; throws if out/words exists)
 * ```
 */
export function temporaryDir(path: string): string {
  const target = resolve(path);
  if (existsSync(target)) {
    throw new IllegalArgumentError(`Output directory ${target} already exists. Delete it or choose another path.`);
  }
  mkdirSync(dirname(target), { recursive: true });
  const temp = `${target}.squall-tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  mkdirSync(temp);
  return temp;
}

/**
 * A result function writing each partition to `<dir>/part-NNNNN`.
 *
 * @example
 * ```ts
 * const write = writePartFiles(temp, 'text');
 * write.name // 'saveAsTextFile'
 * write.finish(['a', 'b'], 3) // 2; temp/part-00003 holds 'a\nb\n'
 * ```
 */
export function writePartFiles(dir: string, format: 'text' | 'object'): ResultFunction<number> {
  return {
    name: format === 'text' ? 'saveAsTextFile' : 'saveAsObjectFile',
    terminal: { kind: 'array' },
    finish: (value, partition) => {
      const records = Array.from(value as ArrayLike<unknown>);
      const file = join(dir, `part-${String(partition).padStart(5, '0')}`);
      const content = format === 'text' ? records.map((r) => `${recordToLine(r)}\n`).join('') : serialize(records);
      writeFileSync(`${file}.tmp`, content);
      renameSync(`${file}.tmp`, file);
      return records.length;
    },
  };
}

/** Moves the finished folder into place. @example `commit(temp, 'out/words') // out/words now holds the part files and _SUCCESS` */
export function commit(temp: string, path: string): void {
  writeFileSync(join(temp, '_SUCCESS'), '');
  renameSync(temp, resolve(path));
}

/** Deletes the temporary folder of a failed job. @example `abort(temp) // temp is gone; nothing was written at the target path` */
export function abort(temp: string): void {
  rmSync(temp, { recursive: true, force: true });
}
