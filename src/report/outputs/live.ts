import type { Workload } from '../../options/workload-shape.js';
import { liveLine } from '../live.js';
import { Progress } from '../progress.js';
import type { Output } from './output.js';

/** One line per interval; with --records, a progress bar under them on a terminal. */
export function liveOutput(workload: Workload): Output {
  const progress = workload.records === undefined ? undefined : new Progress({ total: workload.records, unit: 'records acked' });
  return {
    interval: (row) => {
      if (progress?.tty) progress.log(liveLine(row, workload.records));
      else console.log(liveLine(row, workload.records));
      progress?.update(row.totalAcked);
    },
    stop: () => progress?.clear(),
    close: async () => progress?.clear(),
  };
}
