/**
 * The worker-thread side of the threads backend: piscina calls the default export with a WireTask.
 * Loads the operator registry (every library kernel) at start, so only user functions travel.
 * Layer: scheduler. Runs in: workers only.
 */
import { move, transferableSymbol, valueSymbol } from 'piscina';
import '../../operators/index.js';
import { runTask } from '../executor/task-runner.js';
import { decodeTask, encodeResult } from './plan-decoder.js';
import type { WireResult, WireTask } from './wire-task.js';

/** Runs one shipped task and returns its result, moving large buffers back to the driver. */
export default async function runShippedTask(wire: WireTask): Promise<WireResult> {
  const task = await decodeTask(wire);
  const { message, transferList } = encodeResult(runTask(task), task);
  if (transferList.length === 0) return message;
  // A piscina "movable": the message plus the buffers to transfer instead of copying.
  return move({ [transferableSymbol]: transferList, [valueSymbol]: message } as unknown as ArrayBuffer) as unknown as WireResult;
}
