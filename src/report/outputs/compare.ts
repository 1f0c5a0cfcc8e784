import { redactText } from '../../connection/redact.js';
import type { CompareResult } from '../../experiments/compare.js';
import type { Workload } from '../../options/workload-shape.js';
import { renderCompare } from '../compare.js';
import { writeReportFiles } from '../files.js';
import { defaultResultPath, writeJson } from '../json.js';
import type { Output } from './output.js';

/** A compare's events are its three modes, each announced as it starts. */
type CompareOutput = Output<string, CompareResult>;

/** `compare` on stdout: notes, each mode as it starts, the side-by-side table. */
export function compareConsoleOutput(workload: Workload): CompareOutput {
  return {
    notice: (text) => console.log(`note: ${redactText(text)}`),
    interval: (mode) => console.log(`── ${mode}`),
    stop: (result) => {
      console.log(`\n${renderCompare(result)}`);
      if (workload.thresholds.length > 0 || workload.metricsPort !== undefined || workload.faults.length > 0) console.log('note: compare does not check --threshold, inject --fault or serve --metrics-port; use run');
    },
  };
}

/** The compare result as JSON (results/compare-<time>.json unless --out), then --html, --hgrm and --csv of it. */
export function compareFilesOutput(workload: Workload): CompareOutput {
  return {
    stop: (result) => {
      const out = workload.out ?? defaultResultPath(result.startedAt, 'compare');
      writeJson(out, result);
      console.log(`\nresult: ${out}`);
      const html = workload.html === '' ? out.replace(/\.json$/i, '') + '.html' : workload.html;
      if (html === undefined && workload.hgrm === undefined && workload.csv === undefined) return;
      for (const line of writeReportFiles([{ kind: 'compare', file: out, label: 'compare', result }], { html, hgrm: workload.hgrm, csv: workload.csv })) console.log(line);
    },
  };
}
