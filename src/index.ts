/**
 * squall's public surface. Layer: facade. Runs in: driver.
 *
 * @example
 * ```ts
 * import { Context } from 'squall';
 * const ctx = new Context();
 * console.log(await ctx.range(10).map((x) => x * x).sum()); // 285
 * await ctx.stop();
 * ```
 */
// Engine
export { Context, type ContextOptions, type ActionOptions, type ExecutorInfo } from './context/context.js';
export { RDD } from './context/rdd.js';
export { Accumulator, type AccumulatorParam } from './context/accumulator.js';
export { Broadcast } from './context/broadcast.js';
export { TaskContext, type TaskInfoView } from './context/task-context.js';
export { ThreadsBackend, type ThreadsBackendOptions } from '../scheduler/backend/threads-backend.js';
export type { FaultInjectionOptions } from '../scheduler/fault-injection.js';
export { StorageLevel } from './rdd/storage-level.js';
export { HashPartitioner, RangePartitioner, CustomPartitioner, type Partitioner } from './rdd/partitioner.js';
export { StatCounter } from './core/stat-counter.js';
export { InProcessBackend } from '../scheduler/backend/in-process-backend.js';
export type { SchedulerBackend, Slot } from '../scheduler/backend/scheduler-backend.js';

// Events
export type * from './events/listener-events.js';

// Errors
export {
  SquallError,
  IllegalArgumentError,
  EmptyRDDError,
  JobAbortedError,
  JobCancelledError,
  TaskNotSerializableError,
  ContextStoppedError,
  RemoteTaskError,
} from './core/errors.js';
