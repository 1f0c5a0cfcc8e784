import type { RunResult } from '../contracts/result.js';
import type { LatencyKey } from '../histogram/latency-kinds.js';

/** The run's V2 base64 histogram of that kind, or null when the run did not measure it. */
export function hdrOf(run: RunResult, key: LatencyKey): string | null {
  const latency = run.latency[key];
  return latency && typeof latency.hdr === 'string' && latency.count > 0 ? latency.hdr : null;
}
