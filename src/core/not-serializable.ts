/**
 * The marker of objects that must never travel to an executor (a Context, an RDD): an own
 * property under this registered symbol. Closure capture refuses such objects with a message that
 * explains why. Layer: core. Runs in: driver.
 */

/** `Symbol.for('squall.notSerializable')`. */
export const NOT_SERIALIZABLE: unique symbol = Symbol.for('squall.notSerializable') as typeof NOT_SERIALIZABLE;
