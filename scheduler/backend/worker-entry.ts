/**
 * The worker-thread side of the threads backend: piscina calls the default export with a WireTask.
 * Loads the operator registry (every library kernel) at start, so only user functions travel.
 * Layer: scheduler. Runs in: workers only.
 */
import { workerData } from 'node:worker_threads';
import { move, transferableSymbol, valueSymbol } from 'piscina';
import '../../operators/index.js';
import { describeError } from '../../src/core/errors.js';
import { runTask } from '../executor/task-runner.js';
import { decodeTask, encodeResult, listenForReleases } from './plan-decoder.js';
import type { WireResult, WireTask } from './wire-task.js';

const { releaseLog } = (workerData ?? {}) as { releaseLog?: SharedArrayBuffer };
if (releaseLog) listenForReleases(releaseLog);

/**
 * Runs one shipped task and returns its result, moving large buffers back to the driver. It never
 * rejects: a task that cannot even start (its plan cannot be rebuilt here) comes back as a failed
 * result, so a rejection seen by the driver always means that the worker itself died.
 *
 * @example
 * ```ts
 * // On the driver, the threads backend runs it through piscina:
 * const pool = new Piscina({ filename: workerEntryPath(), workerData: { releaseLog } });
 * const result = await pool.run(wire, { signal }); // WireResult, e.g. { status: 'success', ... }
 * ```
 */
export default async function runShippedTask(wire: WireTask): Promise<WireResult> {
  const pickedUp = Date.now();
  const decodeStart = performance.now();
  let task;
  try {
    task = await decodeTask(wire);
  } catch (error) {
    const cause = describeError(error);
    return {
      status: 'failed',
      error: { ...cause, message: `Could not start task ${wire.taskId} (partition ${wire.partition}, stage ${wire.stageId}) in its worker: ${cause.message}` },
      fetchFailed: undefined,
      metrics: {},
      runTime: 0,
    };
  }
  const deserializeTime = performance.now() - decodeStart;
  const encoded = encodeResult(runTask(task), task);
  const message: WireResult = { ...encoded.message, startedAt: pickedUp, deserializeTime };
  const { transferList } = encoded;
  if (transferList.length === 0) return message;
  // A piscina "movable": the message plus the buffers to transfer instead of copying.
  return move({ [transferableSymbol]: transferList, [valueSymbol]: message } as unknown as ArrayBuffer) as unknown as WireResult;
}
