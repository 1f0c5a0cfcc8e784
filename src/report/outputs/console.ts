import { redactText } from '../../connection/redact.js';
import type { RunResult } from '../../contracts/result.js';
import { formatCount, formatDurationMs } from '../../fmt.js';
import type { Workload } from '../../options/workload-shape.js';
import { renderConsumerModes } from '../consumer-modes.js';
import { hostLiveLine, renderFleetSummary } from '../fleet.js';
import { renderSummary } from '../summary.js';
import { renderThresholds } from '../thresholds.js';
import type { Output } from './output.js';

/** What a person reads on stdout: notes, the opening line, hosts, and the summary once the run is done. */
export function consoleOutput(workload: Workload, print: (line: string) => void = (line) => console.log(line)): Output {
  return {
    notice: (text) => print(`note: ${redactText(text)}`),
    fault: (text) => print(redactText(text)),
    start: ({ workers, topic }) => {
      const length = workload.records === undefined ? `${formatDurationMs(workload.durationMs)} measured` : `${formatCount(workload.records)} records`;
      const warmup = workload.warmupMs > 0 ? ` after ${formatDurationMs(workload.warmupMs)} warmup` : '';
      const rate = workload.rateRecordsPerSec === undefined ? 'max rate' : `${formatCount(workload.rateRecordsPerSec)} rec/s`;
      const target = topic ? ` → ${topic.name} on ${workload.brokers}` : ' → in-process null sink';
      const where = workload.hosts ? ` on ${workload.hosts.length} hosts (${workload.hosts.join(', ')})` : workload.instanceId !== undefined ? ` as instance ${workload.instanceId} of ${workload.instances}` : '';
      print(`stampede: ${workers} ${workload.client} worker(s)${where}, ${formatCount(workload.devices)} devices, ${rate}, ${length}${warmup}${target}`);
    },
    hostsConnected: (hosts) => {
      const clocks = hosts.map((host) => `${host.name} ${(host.offsetUs / 1000).toFixed(3)} ± ${(host.uncertaintyUs / 1000).toFixed(3)} ms`).join(', ');
      print(`stampede: ${hosts.length} host(s) connected; clock offsets ${clocks}`);
    },
    ...(workload.verbose ? { hostIntervals: (lines) => lines.forEach((line) => print(hostLiveLine(line))) } : {}),
    stop: (result: RunResult) => {
      print(renderSummary(result));
      for (const line of renderFleetSummary(result)) print(line);
      for (const line of renderConsumerModes(result)) print(line);
      if (result.thresholds) print(`\n${renderThresholds(result.thresholds)}`);
    },
  };
}
