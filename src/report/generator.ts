import type { RunResult } from '../contracts/result.js';
import { formatBytes } from '../fmt.js';

/**
 * What generating cost over the measured window, so a reader can tell the generator was not the
 * bottleneck: producer threads' CPU and busy share, the whole process's CPU,
 * peak RSS and the coordinator's event-loop lag; then the warning when a thread limited the rate.
 */
export function renderGenerator(result: RunResult): string[] {
  const generator = result.generator;
  if (!generator) return [];
  const lines: string[] = [];
  if (generator.threads) {
    const threads = generator.threads.map((thread) => (thread.cpuSec === null ? `${thread.worker}: CPU unknown` : `${thread.worker}: ${thread.cpuSec.toFixed(2)} s CPU, ${thread.busyPct!.toFixed(1)} % busy` + (thread.waitingPct === null ? '' : ` + ${thread.waitingPct.toFixed(1)} % waiting for a core`)));
    lines.push(`producer threads (measured window): ${threads.join('; ')}`);
  }
  const perMillion = generator.cpuSecPerMillionAcked === null ? '' : `, ${generator.cpuSecPerMillionAcked.toFixed(2)} CPU-s per million acked records`;
  lines.push(`process: ${generator.processCpuSec.toFixed(2)} s CPU (${generator.processCpuCores.toFixed(2)} cores${perMillion}); peak RSS ${formatBytes(generator.peakRssBytes)}`);
  const lag = generator.loopLag;
  lines.push(`coordinator event-loop lag: p50 ${lag.p50Ms.toFixed(2)} ms, p99 ${lag.p99Ms.toFixed(2)} ms, max ${lag.maxMs.toFixed(2)} ms${lag.source === 'timer' ? ' (from a 10 ms timer: no monitorEventLoopDelay here)' : ''}`);
  if (generator.warning) lines.push(generator.warning);
  return lines;
}
