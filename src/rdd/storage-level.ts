/**
 * Storage levels for persist(): where a cached partition lives and in which form.
 * Layer: rdd model. Runs in: driver and workers.
 */

/**
 * Where and how `persist` keeps an RDD's partitions (Spark's StorageLevel).
 *
 * @example
 * ```ts
 * rdd.persist(StorageLevel.MEMORY_ONLY_SER); StorageLevel.MEMORY_ONLY_SER.description // 'Memory Serialized 1x Replicated'
 * ```
 */
export class StorageLevel {
  static readonly NONE = new StorageLevel('NONE', false, false, false);
  /** Keep the records themselves in the executor's memory (what `cache()` uses). */
  static readonly MEMORY_ONLY = new StorageLevel('MEMORY_ONLY', false, true, true);
  /** Keep the records packed with msgpackr in the executor's memory: smaller, unpacked on read. */
  static readonly MEMORY_ONLY_SER = new StorageLevel('MEMORY_ONLY_SER', false, true, false);
  /** Keep the records packed with msgpackr in a file of the executor's scratch folder. */
  static readonly DISK_ONLY = new StorageLevel('DISK_ONLY', true, false, false);

  private constructor(
    readonly name: string,
    readonly useDisk: boolean,
    readonly useMemory: boolean,
    readonly deserialized: boolean,
    readonly replication = 1,
  ) {}

  /** True unless this is NONE. @example `StorageLevel.NONE.isValid // false` */
  get isValid(): boolean {
    return this.useDisk || this.useMemory;
  }

  /** Spark's description, e.g. "Memory Deserialized 1x Replicated"; empty for NONE. @example `StorageLevel.DISK_ONLY.description // 'Disk Serialized 1x Replicated'` */
  get description(): string {
    if (!this.isValid) return '';
    const parts: string[] = [];
    if (this.useDisk) parts.push('Disk');
    if (this.useMemory) parts.push('Memory');
    parts.push(this.deserialized ? 'Deserialized' : 'Serialized');
    parts.push(`${this.replication}x Replicated`);
    return parts.join(' ');
  }

  /** The level's name. @example `String(StorageLevel.DISK_ONLY) // 'DISK_ONLY'` */
  toString(): string {
    return this.name;
  }

  /** The level with this name (for levels that crossed a thread boundary as data). @example `StorageLevel.byName('DISK_ONLY') === StorageLevel.DISK_ONLY // true` */
  static byName(name: string): StorageLevel {
    const level = (StorageLevel as unknown as Record<string, unknown>)[name];
    if (!(level instanceof StorageLevel)) throw new Error(`Unknown storage level "${name}"`);
    return level;
  }
}
