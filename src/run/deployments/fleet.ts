import { buildId } from '../../build-id.js';
import { MAIN_THREAD_CLIENTS } from '../../clients/create.js';
import type { HostIntervalLine } from '../../contracts/fleet.js';
import { StampedeError } from '../../errors.js';
import { buildDiffers, connectHosts } from '../../fleet/connect.js';
import type { Workload } from '../../options/workload-shape.js';
import { flattenFleet, planFleet } from '../../plan/fleet.js';
import { FleetSource } from '../../sources/fleet.js';
import { hostIntervalLines } from '../../sources/host-lines.js';
import { fleetReport, hostReports } from '../fleet-report.js';
import type { Deployment } from './types.js';

export interface FleetHooks {
  /** --verbose: one line per host after each merged interval line */
  onHostIntervals?(lines: HostIntervalLine[]): void;
  /** once every host is connected, checked and its clock measured */
  onHostsConnected?(hosts: { name: string; offsetUs: number; uncertaintyUs: number }[]): void;
}

/**
 * Agents on --hosts, one per host over ssh: the plan is checked before any host is contacted (bad
 * input costs no ssh session), then every agent is connected, its version checked and its clock
 * offset measured. `--e2e` consumers stay on this host: they are one consumer group anyway, and one
 * tracker sees every device, so integrity stays exact; their end-to-end latency compares agent
 * clocks with this one, within the measured bound.
 */
export async function fleetDeployment(workload: Workload, hooks: FleetHooks, notice: (text: string) => void): Promise<Deployment> {
  const names = workload.hosts!;
  if (workload.instanceId !== undefined || workload.instances !== undefined) throw new StampedeError('E_OPTION', '--hosts and --instance-id are two ways to split a run: use one');
  const inline = MAIN_THREAD_CLIENTS.has(workload.client);
  const workersPerHost = inline ? 1 : workload.workers;
  const plans = planFleet({ names, devices: workload.devices, workersPerHost, records: workload.records, rateRecordsPerSec: workload.rateRecordsPerSec, partName: 'hosts' });
  const connected = await connectHosts(names, { configFile: workload.sshConfig, remoteCommand: workload.remoteCommand, remoteDir: workload.remoteDir ?? process.cwd() });
  for (const host of connected) {
    if (host.hello.buildId !== buildId()) notice(buildDiffers(host.name, host.hello.buildId));
  }
  hooks.onHostsConnected?.(connected.map((host) => ({ name: host.name, offsetUs: host.clock.offsetUs, uncertaintyUs: host.clock.uncertaintyUs })));
  let source: FleetSource | undefined;
  let hostLines: (() => HostIntervalLine[]) | undefined;
  return {
    plan: () => flattenFleet(plans),
    e2eNotices: ['with --hosts, the --e2e consumers (and any --observe stage\'s) run on this (the coordinator\'s) host: one consumer group sees every device, so integrity is exact; end-to-end latency compares each agent\'s clock with this one, within the measured clock-offset bound'],
    start: async (prepared) => {
      // The value schema as the coordinator settled it (registered once: every agent writes its id).
      source = new FleetSource(connected, plans, { workload: { ...workload, valueSchema: prepared.valueSchema }, librdkafka: prepared.librdkafka, inline });
      if (hooks.onHostIntervals) hostLines = hostIntervalLines(source.states);
      return source;
    },
    afterInterval: () => {
      if (hostLines) hooks.onHostIntervals!(hostLines());
    },
    finish: (result, { sampled, coordinatorCpuMicros }) => {
      const states = source!.states;
      const hosts = hostReports(states);
      const fleet = fleetReport({ states, hosts, workersPerHost, maxClockSkewUs: workload.maxClockSkewUs, e2e: workload.e2e, coordinatorCpuMicros, intervals: sampled.intervals.length });
      if ((workload.e2e || workload.stages.length > 0) && fleet.clockSkewExceeded) {
        result.notices.push(`${workload.e2e ? 'end-to-end' : 'stage'} latency crosses hosts: clocks agree to within ±${(fleet.clockSkewBoundUs / 1000).toFixed(3)} ms (measured), above --max-clock-skew ${(workload.maxClockSkewUs / 1000).toFixed(3)} ms`);
      }
      return { ...result, hosts, fleet };
    },
    abandon: async () => {
      if (source === undefined) await Promise.all(connected.map((host) => host.link.close(2_000)));
    },
  };
}
