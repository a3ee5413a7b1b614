/**
 * The engine's operators: importing this module registers every RDD kind, so a task runner (on the
 * driver or in a worker) can compute any plan. Layer: operators. Runs in: driver and workers.
 */
import './sources/parallel-collection.js';
import './sources/text-file.js';
import './sources/object-file.js';
import './transformations/map-like.js';
import './transformations/map-partitions.js';
import './transformations/union.js';
import './transformations/coalesce.js';
import './transformations/cartesian.js';
import './transformations/zip.js';
import './transformations/shuffled.js';
import './transformations/cogroup.js';

export { computePartition, evaluatePartition } from './compute.js';
export { narrowParentsOf, operatorFor } from './registry.js';
