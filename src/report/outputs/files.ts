import { basename } from 'node:path';
import type { RunResult } from '../../contracts/result.js';
import type { Workload } from '../../options/workload-shape.js';
import { writeReportFiles } from '../files.js';
import { writeResult } from '../json.js';
import type { Output } from './output.js';

/** The JSON result (always), then --html, --hgrm and --csv of it; a bare --html goes beside the JSON. */
export function resultFilesOutput(workload: Workload, print: (line: string) => void = (line) => console.log(line)): Output {
  return {
    stop: (result: RunResult) => {
      const out = writeResult(result, workload.out);
      print(`\nresult: ${out}`);
      const html = workload.html === '' ? out.replace(/\.json$/i, '') + '.html' : workload.html;
      if (html === undefined && workload.hgrm === undefined && workload.csv === undefined) return;
      for (const line of writeReportFiles([{ kind: 'run', file: out, label: basename(out).replace(/\.json$/i, ''), result }], { html, hgrm: workload.hgrm, csv: workload.csv })) print(line);
    },
  };
}
