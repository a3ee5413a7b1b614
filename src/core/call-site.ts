/**
 * Call sites: where in the user's code an RDD or an action was created ("map at job.ts:12"), as
 * Spark names RDDs and stages. Frames inside squall itself are skipped.
 * Layer: core. Runs in: driver.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { dirname, basename, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

// This file is <root>/src/core/call-site.ts (or <root>/dist/src/core/call-site.js).
const here = dirname(fileURLToPath(import.meta.url));
const srcDir = dirname(here);
const root = dirname(srcDir);
const packageRoot = basename(root) === 'dist' ? dirname(root) : root;
// The engine's own layers; frames in them are never the user's call site. (Code built on the
// engine, such as src/main.ts, counts as user code, as PySpark's library code does.)
const engineDirs = ['src/core', 'src/rdd', 'src/events', 'src/context', 'operators', 'scheduler'];
const internalDirs = engineDirs.flatMap((d) => [packageRoot + sep + d + sep, packageRoot + sep + 'dist' + sep + d + sep]).map((d) => d.split('/').join(sep));

function isInternal(file: string): boolean {
  const path = file.startsWith('file://') ? fileURLToPath(file) : file;
  return path.startsWith('node:') || path.includes(`${sep}node_modules${sep}`) || internalDirs.some((d) => path.startsWith(d));
}

const framePattern = /\(?((?:file:\/\/)?[^()\s]+?):(\d+):\d+\)?$/;

const outerOperation = new AsyncLocalStorage<string>();

/**
 * Runs `body` so that every call site taken inside it (also after awaits) is named after
 * `operation`, the method the user called: `a.join(b)` builds a cogroup and a flatMapValues, and
 * all of them read "join at job.ts:12", as in Spark. The outermost name wins.
 *
 * @example
 * ```ts
 * withOperationName('join', () => callSite('cogroup')) // 'join at job.ts:12'
 * ```
 */
export function withOperationName<T>(operation: string, body: () => T): T {
  return outerOperation.getStore() === undefined ? outerOperation.run(operation, body) : body();
}

/** `"<operation> at <file>:<line>"` for the first stack frame outside squall. @example `callSite('map') // 'map at job.ts:12'` */
export function callSite(operation: string): string {
  const name = outerOperation.getStore() ?? operation;
  const holder: { stack?: string } = {};
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 25;
  Error.captureStackTrace(holder, callSite);
  Error.stackTraceLimit = limit;
  const lines = (holder.stack ?? '').split('\n').slice(1);
  for (const line of lines) {
    const m = framePattern.exec(line.trim());
    if (!m) continue;
    const file = m[1] as string;
    if (isInternal(file)) continue;
    return `${name} at ${basename(file.startsWith('file://') ? fileURLToPath(file) : file)}:${m[2]}`;
  }
  return `${name} at <unknown>`;
}
