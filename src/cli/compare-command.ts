import { join } from 'node:path';
import { redactText } from '../connection/redact.js';
import { writeJson } from '../report/json.js';
import { readWorkloadFile, resolveWorkload } from '../options/workload.js';
import { renderCompare } from '../report/compare.js';
import { runCompare } from '../experiments/compare.js';
import { flagValues } from './flags.js';
import { writeReportFiles } from '../report/files.js';
import { onStopSignals } from './signals.js';

/** `stampede compare`: the micro-vs-end-to-end mode; takes the same workload flags as `run`. */
export async function compareCommand(argv: Record<string, unknown>): Promise<number> {
  const workloadFile = typeof argv['workload'] === 'string' ? argv['workload'] : undefined;
  const workload = resolveWorkload(workloadFile === undefined ? {} : readWorkloadFile(workloadFile), flagValues(argv, 'compare'), workloadFile);
  const controller = new AbortController();
  const offStopSignals = onStopSignals({ stop: () => controller.abort(), restore: () => undefined });
  try {
    const result = await runCompare(workload, {
      signal: controller.signal,
      onMode: (mode) => console.log(`── ${mode}`),
      onNotice: (text) => console.log(`note: ${redactText(text)}`),
    });
    console.log(`\n${renderCompare(result)}`);
    const out = workload.out ?? join('results', `compare-${result.startedAt.replace(/[:.]/g, '-')}.json`);
    writeJson(out, result);
    console.log(`\nresult: ${out}`);
    const html = workload.html === '' ? out.replace(/\.json$/i, '') + '.html' : workload.html;
    if (html !== undefined || workload.hgrm !== undefined || workload.csv !== undefined) {
      for (const line of writeReportFiles([{ kind: 'compare', file: out, label: 'compare', result }], { html, hgrm: workload.hgrm, csv: workload.csv })) console.log(line);
    }
    if (workload.thresholds.length > 0 || workload.metricsPort !== undefined || workload.fault !== undefined) console.log('note: compare does not check --threshold, inject --fault or serve --metrics-port; use run');
    const statuses = Object.values(result.modes).map((mode) => mode.status);
    return statuses.every((status) => status === 'ok') ? 0 : 1;
  } finally {
    offStopSignals();
  }
}
