import { readFileSync } from 'node:fs';
import { loadNative } from '../native/load.js';
import { kThreadCpuUsSlot, kThreadRunQueueUsSlot, kThreadStatSlots } from '../shared/layout.js';

/** Run-queue wait is read from /proc at most this often: a file read costs ~10 µs, a batch ~1 ms. */
const kRunQueueReadEveryMs = 50;

/**
 * A producer thread's writer of its own CPU time (and, on Linux, its time waiting for a core) into
 * the run's thread-stats buffer (layout.ts). The CPU clock is the native addon's thread CPU clock:
 * Node 20 has no process.threadCpuUsage, and Bun and Deno load the same addon. Without the addon
 * (not built) the slot says -1: unknown.
 */
export class ThreadCpuWriter {
  private readonly slots: Float64Array | undefined;
  private readonly read: (() => number) | undefined;
  private runQueueReadAtMs = -Infinity;
  private runQueueKnown = true;

  constructor(buffer: SharedArrayBuffer | undefined, worker: number) {
    this.slots = buffer ? new Float64Array(buffer, worker * kThreadStatSlots * Float64Array.BYTES_PER_ELEMENT, kThreadStatSlots) : undefined;
    try {
      const addon = loadNative();
      this.read = () => addon.threadCpuMicros();
    } catch {
      this.read = undefined;
    }
    this.write();
  }

  /** One clock read (a syscall, ~0.3 µs): call it once per batch, not per record. */
  write(): void {
    const slots = this.slots;
    if (!slots) return;
    slots[kThreadCpuUsSlot] = this.read ? this.read() : -1;
    if (this.runQueueKnown && performance.now() - this.runQueueReadAtMs >= kRunQueueReadEveryMs) {
      this.runQueueReadAtMs = performance.now();
      const waitedUs = runQueueMicros();
      this.runQueueKnown = waitedUs !== undefined;
      slots[kThreadRunQueueUsSlot] = waitedUs ?? -1;
    }
  }
}

/** µs this thread has waited on a run queue (schedstat's second field, ns), else undefined. */
export function runQueueMicros(): number | undefined {
  try {
    const fields = readFileSync('/proc/thread-self/schedstat', 'latin1').split(' ');
    const waitedNs = Number(fields[1]);
    return Number.isFinite(waitedNs) ? waitedNs / 1000 : undefined;
  } catch {
    return undefined;
  }
}
