import type { Workload } from '../../options/workload-shape.js';
import { MetricsServer, metricsUrl } from '../metrics-server.js';
import type { Output } from './output.js';

/** --metrics-port: Prometheus text on /metrics while the run goes, marked done at its end. */
export async function metricsOutput(workload: Workload): Promise<Output | undefined> {
  if (workload.metricsPort === undefined) return undefined;
  const server = await MetricsServer.start(workload.metricsPort, workload.metricsHost);
  console.log(`metrics: ${metricsUrl(workload.metricsHost, server.port)} (Prometheus text format)`);
  return {
    interval: (row, cumulative) => {
      if (cumulative) server.update(row, cumulative);
    },
    stop: (result) => server.markDone(result.stages),
    close: () => server.close(),
  };
}
