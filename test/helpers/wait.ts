import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Polls `condition` every `everyMs` until it holds or `timeoutMs` passes; returns whether it held.
 * For a state a test waits on (a thread named, a thread gone), instead of a fixed sleep that is
 * either too long on an idle host or too short on a busy one.
 */
export async function waitUntil(condition: () => boolean, timeoutMs = 5_000, everyMs = 10): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (condition()) return true;
    if (Date.now() >= deadline) return false;
    await sleep(everyMs);
  }
}
