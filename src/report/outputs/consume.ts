import { redactText } from '../../connection/redact.js';
import type { ConsumeIntervalRow, ConsumeResult } from '../../contracts/consume-result.js';
import type { ConsumeWorkload } from '../../options/consume-workload.js';
import { consumeLiveLine, renderConsumeSummary } from '../consume.js';
import { writeConsumeReports } from '../consume-files.js';
import { defaultResultPath, writeJson } from '../json.js';
import type { Output } from './output.js';

type ConsumeOutput = Output<ConsumeIntervalRow, ConsumeResult>;

/** `stampede consume` on stdout: notes, a line per interval, the summary. */
export function consumeConsoleOutput(workload: ConsumeWorkload, print: (line: string) => void = (line) => console.log(line)): ConsumeOutput {
  return {
    notice: (text) => print(`note: ${redactText(text)}`),
    interval: (row) => print(consumeLiveLine(row, workload.records)),
    stop: (result) => print(renderConsumeSummary(result)),
  };
}

/** The consume result as JSON (results/consume-<time>.json unless --out), then its --csv and --hgrm. */
export function consumeFilesOutput(workload: ConsumeWorkload, print: (line: string) => void = (line) => console.log(line)): ConsumeOutput {
  return {
    stop: (result) => {
      const out = workload.out ?? defaultResultPath(result.startedAt, 'consume');
      writeJson(out, result);
      print(`\nresult: ${out}`);
      for (const line of writeConsumeReports(result, { csv: workload.csv, hgrm: workload.hgrm })) print(line);
    },
  };
}
