/**
 * Error types of squall, with stable codes.
 * Layer: core. Runs in: driver and workers.
 *
 * Plan errors (bad arguments) are thrown at the call that received the bad value; task failures
 * travel as data inside the scheduler and reach the user as a JobAbortedError that names the job,
 * stage, partition and attempt and keeps the original cause.
 */

/** Base class of every error squall throws on purpose. `code` is stable across versions. */
export class SquallError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/**
 * A bad argument to a transformation, action or constructor (Spark's `require` and PySpark's
 * ValueError). The message names the value and what is allowed.
 *
 * @example
 * ```ts
 * try { rdd.sample(false, -1) } catch (e) { e instanceof IllegalArgumentError } // true
 * ```
 */
export class IllegalArgumentError extends SquallError {
  constructor(message: string) {
    super('ILLEGAL_ARGUMENT', message);
  }
}

/**
 * An action that needs at least one element ran on an empty RDD (PySpark's
 * `ValueError("Can not reduce() empty RDD")`, Scala's "empty collection").
 *
 * @example
 * ```ts
 * await ctx.parallelize([]).first() // rejects with EmptyRDDError: RDD is empty
 * ```
 */
export class EmptyRDDError extends SquallError {
  constructor(message: string) {
    super('EMPTY_RDD', message);
  }
}

/**
 * A job failed: a task failed `maxFailures` times, a stage failed too often, or the job was
 * cancelled. `jobId`, `stageId`, `partition` and `attempt` say where; `cause` holds the task's own
 * error, with its stack.
 *
 * @example
 * ```ts
 * try { await rdd.map(() => { throw new Error('boom') }).collect() }
 * catch (e) { if (e instanceof JobAbortedError) console.log(e.stageId, e.partition, e.cause) }
 * ```
 */
export class JobAbortedError extends SquallError {
  readonly jobId: number;
  readonly stageId: number | undefined;
  readonly partition: number | undefined;
  readonly attempt: number | undefined;
  constructor(
    message: string,
    where: { jobId: number; stageId?: number; partition?: number; attempt?: number },
    cause?: unknown,
    code = 'JOB_ABORTED',
  ) {
    super(code, message, { cause });
    this.jobId = where.jobId;
    this.stageId = where.stageId;
    this.partition = where.partition;
    this.attempt = where.attempt;
  }
}

/**
 * A job was cancelled through its AbortSignal or because the context stopped.
 *
 * @example
 * ```ts
 * const ac = new AbortController(); const p = rdd.count({ signal: ac.signal }); ac.abort();
 * await p // rejects with JobCancelledError
 * ```
 */
export class JobCancelledError extends JobAbortedError {
  constructor(message: string, jobId: number, cause?: unknown) {
    super(message, { jobId }, cause, 'JOB_CANCELLED');
  }
}

/**
 * A function given to a transformation cannot travel to an executor (PySpark's PicklingError,
 * Spark's "Task not serializable"). Thrown at the transformation's call.
 *
 * @example
 * ```ts
 * const socket = net.connect(80); rdd.map((x) => socket.write(String(x))) // throws TaskNotSerializableError
 * ```
 */
export class TaskNotSerializableError extends SquallError {
  constructor(message: string) {
    super('TASK_NOT_SERIALIZABLE', message);
  }
}

/** The context was used after `stop()`. */
export class ContextStoppedError extends SquallError {
  constructor(what: string) {
    super('CONTEXT_STOPPED', `Cannot ${what}: this Context has been stopped. Create a new Context.`);
  }
}

/**
 * Throws an IllegalArgumentError with `message` unless `condition` holds (Spark's `require`).
 *
 * @example
 * ```ts
 * require(n > 0, () => `n must be positive, got ${n}.`) // with n = 0: throws IllegalArgumentError
 * ```
 */
export function require(condition: unknown, message: string | (() => string)): asserts condition {
  if (!condition) throw new IllegalArgumentError(typeof message === 'function' ? message() : message);
}

/** A plain, structured-clone-safe description of an error (how task failures travel). */
export interface ErrorDescription {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
  readonly code?: string;
}

/**
 * Describes any thrown value as plain data, keeping name, message, stack and code.
 *
 * @example
 * ```ts
 * describeError(new RangeError('bad')) // { name: 'RangeError', message: 'bad', stack: 'RangeError: bad\n    at ...' }
 * describeError('x') // { name: 'Error', message: 'Non-error value thrown: x' }
 * ```
 */
export function describeError(error: unknown): ErrorDescription {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return {
      name: error.name,
      message: error.message,
      ...(error.stack !== undefined ? { stack: error.stack } : {}),
      ...(typeof code === 'string' ? { code } : {}),
    };
  }
  return { name: 'Error', message: `Non-error value thrown: ${String(error)}` };
}

/** A task's failure rebuilt as an Error on the driver, with the original name, message and stack. */
export class RemoteTaskError extends Error {
  readonly code: string | undefined;
  constructor(description: ErrorDescription) {
    super(description.message);
    this.name = description.name;
    this.code = description.code;
    if (description.stack !== undefined) this.stack = description.stack;
  }
}
