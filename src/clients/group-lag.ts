import { StampedeError } from '../errors.js';
import { loadNative, type NativeGroupLag } from '../native/load.js';

/**
 * How far another application's consumer group (the user's stream processor) is behind on a
 * topic: log-end offsets − the group's committed offsets, summed over partitions. Read by a client
 * that carries the group's id but never subscribes, so the group is not disturbed (no join, no
 * rebalance, no commit); the reads run off the event loop.
 */
export class GroupLagReader {
  private readonly native: NativeGroupLag;

  constructor(
    settings: Record<string, string>,
    readonly group: string,
    readonly topic: string,
  ) {
    const addon = loadNative();
    try {
      this.native = new addon.NativeGroupLag({ ...settings, 'group.id': group }, topic);
    } catch (err) {
      throw new StampedeError('E_CLIENT', (err as Error).message, { cause: err });
    }
  }

  /**
   * Records the group has not committed past, in all; null while it has committed nothing on the
   * topic (a processor that has not started, or not committed yet).
   */
  async lagRecords(timeoutMs: number): Promise<number | null> {
    const partitions = await this.native.read(timeoutMs);
    let lag = 0;
    let committedAny = false;
    for (const { committed, end } of partitions) {
      if (committed < 0) continue;
      committedAny = true;
      lag += Math.max(0, end - committed);
    }
    return committedAny ? lag : null;
  }

  close(): void {
    this.native.close();
  }
}
