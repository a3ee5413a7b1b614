/**
 * One executor's block store (Spark's BlockManager for that executor): cached RDD partitions at
 * their storage level, and the shuffle blocks its map tasks wrote. Kept on the driver thread for
 * both backends; tasks receive the blocks they read and return the blocks they write.
 * Layer: scheduler. Runs in: driver.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { estimateSize } from '../../src/core/size-estimate.js';
import { deserialize, serialize } from '../../src/core/serializer.js';
import { StorageLevel } from '../../src/rdd/storage-level.js';

interface StoredBlock {
  readonly level: StorageLevel;
  readonly records?: ArrayLike<unknown>;
  readonly bytes?: Uint8Array;
  readonly file?: string;
  readonly memSize: number;
  readonly diskSize: number;
}

/** The name of a cached partition: `rdd_<rddId>_<partition>`. @example `rddBlockId(3, 1) // 'rdd_3_1'` */
export function rddBlockId(rddId: number, partition: number): string {
  return `rdd_${rddId}_${partition}`;
}

export class BlockStore {
  private readonly rddBlocks = new Map<string, StoredBlock>();
  private readonly shuffleOutputs = new Map<string, Uint8Array[]>();
  private dirMade = false;

  constructor(
    readonly executorId: string,
    /** Scratch folder for DISK_ONLY blocks. */
    readonly scratchDir: string,
  ) {}

  /** Stores a cached partition; returns its sizes. */
  putRddBlock(rddId: number, partition: number, level: StorageLevel, records: ArrayLike<unknown>): { memSize: number; diskSize: number } {
    const id = rddBlockId(rddId, partition);
    let block: StoredBlock;
    if (level.useDisk) {
      const bytes = serialize(Array.from(records));
      if (!this.dirMade) {
        mkdirSync(this.scratchDir, { recursive: true });
        this.dirMade = true;
      }
      const file = join(this.scratchDir, id);
      writeFileSync(`${file}.tmp`, bytes);
      renameSync(`${file}.tmp`, file);
      block = { level, file, memSize: 0, diskSize: bytes.byteLength };
    } else if (!level.deserialized) {
      const bytes = serialize(ArrayBuffer.isView(records) ? records : Array.from(records));
      block = { level, bytes, memSize: bytes.byteLength, diskSize: 0 };
    } else {
      block = { level, records, memSize: estimateSize(records), diskSize: 0 };
    }
    this.rddBlocks.set(id, block);
    return { memSize: block.memSize, diskSize: block.diskSize };
  }

  hasRddBlock(rddId: number, partition: number): boolean {
    return this.rddBlocks.has(rddBlockId(rddId, partition));
  }

  /** The records of a cached partition, read back from its storage form. */
  getRddBlock(rddId: number, partition: number): ArrayLike<unknown> | undefined {
    const block = this.rddBlocks.get(rddBlockId(rddId, partition));
    if (!block) return undefined;
    if (block.records) return block.records;
    if (block.bytes) return deserialize<ArrayLike<unknown>>(block.bytes);
    return deserialize<unknown[]>(readFileSync(block.file as string));
  }

  /** Removes every cached partition of `rddId`; returns the removed block ids. */
  removeRdd(rddId: number): string[] {
    const prefix = `rdd_${rddId}_`;
    const removed: string[] = [];
    for (const [id, block] of this.rddBlocks) {
      if (id.startsWith(prefix)) {
        if (block.file) rmSync(block.file, { force: true });
        this.rddBlocks.delete(id);
        removed.push(id);
      }
    }
    return removed;
  }

  /** Sizes of the cached partitions of `rddId`. */
  rddBlockSizes(rddId: number): Array<{ partition: number; memSize: number; diskSize: number }> {
    const prefix = `rdd_${rddId}_`;
    const out: Array<{ partition: number; memSize: number; diskSize: number }> = [];
    for (const [id, block] of this.rddBlocks) {
      if (id.startsWith(prefix)) out.push({ partition: Number(id.slice(prefix.length)), memSize: block.memSize, diskSize: block.diskSize });
    }
    return out;
  }

  putShuffleOutput(shuffleId: number, mapId: number, blocks: Uint8Array[]): void {
    this.shuffleOutputs.set(`${shuffleId}_${mapId}`, blocks);
  }

  /** The block map task `mapId` wrote for `reduceId`, if this executor holds it. */
  getShuffleBlock(shuffleId: number, mapId: number, reduceId: number): Uint8Array | undefined {
    return this.shuffleOutputs.get(`${shuffleId}_${mapId}`)?.[reduceId];
  }

  /** Forgets everything and deletes the scratch folder (the executor is gone). */
  clear(): void {
    this.rddBlocks.clear();
    this.shuffleOutputs.clear();
    if (this.dirMade) rmSync(this.scratchDir, { recursive: true, force: true });
    this.dirMade = false;
  }
}
