/**
 * textFile: the lines of a file, or of every file in a folder, split by byte ranges as Hadoop's
 * TextInputFormat splits them: each split holds the lines that start inside it, so every line is
 * read exactly once. Files are read inside tasks, not on the driver.
 * Layer: operators. Runs in: driver (plan: file sizes) and tasks (kernel: reading).
 */
import { closeSync, existsSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { IllegalArgumentError, require } from '../../src/core/errors.js';
import { makeNode, type PlanContext, type PlanNode } from '../../src/rdd/plan-node.js';
import { registerOperator } from '../registry.js';

/** One byte range of one file. */
export interface FileSplit {
  readonly path: string;
  readonly start: number;
  readonly end: number;
}

/**
 * The data files under `path`: the file itself, or the visible files of a folder, sorted.
 *
 * @example
 * ```ts
 * listInputFiles('out/objects') // ['out/objects/part-00000', 'out/objects/part-00001'] (_SUCCESS is skipped)
 * listInputFiles('data/lines.txt') // ['data/lines.txt']
 * ```
 */
export function listInputFiles(path: string): string[] {
  if (!existsSync(path)) {
    throw new IllegalArgumentError(`Input path does not exist: ${path}. Check the path, or write the data there first.`);
  }
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .filter((name) => !name.startsWith('_') && !name.startsWith('.'))
    .sort()
    .map((name) => join(path, name))
    .filter((file) => statSync(file).isFile());
}

/**
 * Hadoop's splits: a goal size of total/minPartitions, and a last split of up to 1.1 goals.
 *
 * @example
 * ```ts
 * // data/lines.txt holds 'a\nbb\nccc\ndddd\n' (14 bytes)
 * fileSplits(['data/lines.txt'], 2)
 * // [{ path: 'data/lines.txt', start: 0, end: 7 }, { path: 'data/lines.txt', start: 7, end: 14 }]
 * ```
 */
export function fileSplits(files: readonly string[], minPartitions: number): FileSplit[] {
  const sizes = files.map((f) => statSync(f).size);
  const total = sizes.reduce((a, b) => a + b, 0);
  const goal = Math.max(1, Math.floor(total / Math.max(1, minPartitions)));
  const splits: FileSplit[] = [];
  files.forEach((path, i) => {
    const size = sizes[i] as number;
    let start = 0;
    while ((size - start) / goal > 1.1) {
      splits.push({ path, start, end: start + goal });
      start += goal;
    }
    if (size - start > 0 || size === 0) splits.push({ path, start, end: size });
  });
  return splits;
}

/**
 * A HadoopRDD-like source of the lines under `path`.
 *
 * @example
 * ```ts
 * const node = textFileNode(ctx, 'data/lines.txt', 2, callSite('textFile'));
 * node.className // 'HadoopRDD'
 * node.numPartitions // 2 (one per split)
 * ```
 */
export function textFileNode(plan: PlanContext, path: string, minPartitions: number, callSite: string): PlanNode {
  require(typeof path === 'string' && path.length > 0, () => `textFile needs a path, got ${String(path)}.`);
  require(Number.isInteger(minPartitions) && minPartitions >= 1, () => `minPartitions must be an integer >= 1, got ${minPartitions}.`);
  const splits = fileSplits(listInputFiles(path), minPartitions);
  return makeNode(plan, { kind: 'textFile', className: 'HadoopRDD', numPartitions: splits.length, args: { path, splits }, callSite });
}

const NEWLINE = 10;

/**
 * The lines that start in (start, end] (or at 0 for the first split), read from disk.
 *
 * @example
 * ```ts
 * // data/lines.txt holds 'a\nbb\nccc\ndddd\n'
 * readSplitLines({ path: 'data/lines.txt', start: 0, end: 7 }) // ['a', 'bb', 'ccc']
 * readSplitLines({ path: 'data/lines.txt', start: 7, end: 14 }) // ['dddd']
 * ```
 */
export function readSplitLines(split: FileSplit): string[] {
  const fd = openSync(split.path, 'r');
  try {
    const chunks: Buffer[] = [];
    let position = split.start;
    // Read the split itself, then on until the line that starts at or before `end` is complete.
    let length = Math.max(split.end - split.start, 0);
    let done = false;
    while (!done) {
      const chunk = Buffer.alloc(Math.max(length, 64 * 1024));
      const read = readSync(fd, chunk, 0, chunk.length, position);
      if (read === 0) break;
      const data = chunk.subarray(0, read);
      chunks.push(data);
      position += read;
      if (position > split.end) {
        const beyond = data.indexOf(NEWLINE, Math.max(0, split.end - (position - read)));
        if (beyond >= 0) done = true;
      }
      length = 64 * 1024;
    }
    const buffer = Buffer.concat(chunks);
    let offset = 0;
    if (split.start > 0) {
      // The line containing `start` (or starting at it) belongs to the previous split.
      const first = buffer.indexOf(NEWLINE);
      if (first < 0) return [];
      offset = first + 1;
    }
    const lines: string[] = [];
    const limit = split.end - split.start;
    // A line belongs here when it starts at or before `end` (the next split skips it).
    while (offset < buffer.length && offset <= limit) {
      let stop = buffer.indexOf(NEWLINE, offset);
      if (stop < 0) stop = buffer.length;
      let text = buffer.toString('utf8', offset, stop);
      if (text.endsWith('\r')) text = text.slice(0, -1);
      lines.push(text);
      offset = stop + 1;
    }
    return lines;
  } finally {
    closeSync(fd);
  }
}

registerOperator({
  kind: 'textFile',
  elementWise: false,
  compute(node, split, tc) {
    const lines = readSplitLines((node.args.splits as FileSplit[])[split] as FileSplit);
    tc.metrics.recordsIn += lines.length;
    return lines;
  },
});
