import { join } from 'node:path';
import { runMaxSearch } from '../../src/cli/max-command.js';
import { kDefaultStepWarmupMs, resolveMaxOptions } from '../../src/options/max-settings.js';
import { resolveWorkload, type RawOptions } from '../../src/options/workload.js';
import { writeJson } from '../../src/report/json.js';
import type { Threshold } from '../../src/options/thresholds.js';
import type { StampedeRun } from './stampede-runs.js';
import type { BenchMaxSettings } from './types.js';

/** bench-max --slo: checked before the sweep starts, so a typo costs nothing (exit 2 naming it). */
export function benchSlo(raw: string[] | undefined): Threshold[] | undefined {
  return raw === undefined || raw.length === 0 ? undefined : resolveMaxOptions({ slo: raw }).slo;
}

/**
 * After the sweep: `stampede max`'s search (src/experiments/max-rate.ts) with the sweep's best point — the
 * same client, workers and librdkafka settings, 100-byte fixed records — on the same broker. Writes
 * its own JSON beside bench-max's and returns the path.
 */
export async function searchUnderSlo(settings: BenchMaxSettings, best: StampedeRun, slo: Threshold[], topic: string, stepSeconds: number): Promise<string> {
  const connection: RawOptions = {};
  for (let i = 0; i + 1 < settings.connectionArgs.length; i += 2) {
    const [flag, value] = [settings.connectionArgs[i]!, settings.connectionArgs[i + 1]!];
    if (flag === '--command-config') connection['command-config'] = value;
    if (flag === '--command-property') connection['command-property'] = [...((connection['command-property'] as string[] | undefined) ?? []), value];
  }
  const workload = resolveWorkload({}, {
    ...connection,
    brokers: settings.bootstrap,
    topic,
    partitions: settings.partitions,
    client: best.client,
    workers: best.workers,
    format: 'fixed',
    'record-size': settings.recordSizeBytes,
    devices: 100_000,
    profile: 'throughput',
    'producer-props': Object.entries(best.producerProps).map(([key, value]) => `${key}=${value}`),
  });
  const defaults = resolveMaxOptions({ slo: slo.map((threshold) => threshold.source) });
  console.log('\nmax sustainable rate under the SLO, with the best sweep point:');
  const result = await runMaxSearch(workload, { ...defaults, slo, stepDurationMs: stepSeconds * 1000, stepWarmupMs: kDefaultStepWarmupMs });
  const out = join('results', `bench-max-slo-${result.startedAt.replace(/[:.]/g, '-')}.json`);
  writeJson(out, result);
  console.log(`result: ${out}`);
  return out;
}
