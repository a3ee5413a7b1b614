/**
 * MapOutputTracker: which executor holds each map task's output of each shuffle. Outputs outlive
 * jobs, so a later job that needs the same shuffle skips its map stage. Layer: scheduler.
 * Runs in: driver.
 */

/** Where one map task's output lives, and the size of each of its blocks. */
export interface MapStatus {
  readonly executorId: string;
  readonly blockSizes: readonly number[];
}

export class MapOutputTracker {
  private readonly statuses = new Map<number, Array<MapStatus | undefined>>();

  /** Makes room for `numMaps` outputs of `shuffleId` (keeps outputs already registered). */
  registerShuffle(shuffleId: number, numMaps: number): void {
    if (!this.statuses.has(shuffleId)) this.statuses.set(shuffleId, new Array(numMaps).fill(undefined));
  }

  registerMapOutput(shuffleId: number, mapId: number, status: MapStatus): void {
    const list = this.statuses.get(shuffleId);
    if (list) list[mapId] = status;
  }

  /** The output of one map task, if it is registered. */
  mapStatus(shuffleId: number, mapId: number): MapStatus | undefined {
    return this.statuses.get(shuffleId)?.[mapId];
  }

  /** All outputs of a shuffle (undefined where a map output is missing). */
  outputs(shuffleId: number): ReadonlyArray<MapStatus | undefined> {
    return this.statuses.get(shuffleId) ?? [];
  }

  /** Map ids whose output is missing. */
  missingMapIds(shuffleId: number, numMaps: number): number[] {
    const list = this.statuses.get(shuffleId);
    const missing: number[] = [];
    for (let i = 0; i < numMaps; i++) if (!list?.[i]) missing.push(i);
    return missing;
  }

  /** Forgets every output that lived on `executorId`; returns the shuffle ids that lost outputs. */
  removeOutputsOnExecutor(executorId: string): number[] {
    const touched: number[] = [];
    for (const [shuffleId, list] of this.statuses) {
      let lost = false;
      list.forEach((status, i) => {
        if (status?.executorId === executorId) {
          list[i] = undefined;
          lost = true;
        }
      });
      if (lost) touched.push(shuffleId);
    }
    return touched;
  }

  /** Forgets one map output (after a fetch failure). */
  unregisterMapOutput(shuffleId: number, mapId: number, executorId: string): void {
    const list = this.statuses.get(shuffleId);
    if (list?.[mapId]?.executorId === executorId) list[mapId] = undefined;
  }

  /** Number of shuffles tracked. */
  get size(): number {
    return this.statuses.size;
  }

  clear(): void {
    this.statuses.clear();
  }
}
