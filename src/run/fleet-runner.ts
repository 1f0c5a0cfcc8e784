import { buildId } from '../build-id.js';
import { MAIN_THREAD_CLIENTS } from '../clients/create.js';
import { StampedeError } from '../errors.js';
import { flattenFleet, planFleet } from '../plan/fleet.js';
import { assembleResult } from '../run/assemble.js';
import type { RunHooks } from '../run/coordinator.js';
import { EndToEndConsumers } from '../consume/e2e-group.js';
import { prepareRun } from '../run/prepare.js';
import type { RunResult } from '../contracts/result.js';
import { sampleRun } from '../run/sample.js';
import { FleetSource } from '../sources/fleet.js';
import { buildDiffers, connectHosts } from '../fleet/connect.js';
import { fleetReport, hostReports } from './fleet-report.js';
import { hostIntervalLines } from '../sources/host-lines.js';
import type { HostIntervalLine } from '../contracts/fleet.js';
import type { Workload } from '../options/workload-shape.js';

export interface FleetHooks extends RunHooks {
  /** --verbose: one line per host after each merged interval line */
  onHostIntervals?(lines: HostIntervalLine[]): void;
  /** once every host is connected, checked and its clock measured */
  onHostsConnected?(hosts: { name: string; offsetUs: number; uncertaintyUs: number }[]): void;
}

/**
 * A run on many hosts: plan (hosts × workers) → connect every agent over ssh (version check, clock
 * offset) → prepare (connection, topic, on this host) → the same sample and assemble phases as a
 * one-host run, reading a FleetSource. `--e2e` consumers run on this host only: they are one
 * consumer group anyway, and one tracker sees every device, so integrity stays exact; their
 * end-to-end latency compares agent clocks with this one, within the measured bound.
 */
export async function runFleet(workload: Workload, hooks: FleetHooks = {}): Promise<RunResult> {
  const names = workload.hosts!;
  if (workload.instanceId !== undefined || workload.instances !== undefined) throw new StampedeError('E_OPTION', '--hosts and --instance-id are two ways to split a run: use one');
  const notices: string[] = [];
  const notice = (text: string): void => {
    notices.push(text);
    hooks.onNotice?.(text);
  };
  const inline = MAIN_THREAD_CLIENTS.has(workload.client);
  const workersPerHost = inline ? 1 : workload.workers;
  // The plan is checked before any host is contacted: bad input costs no ssh session.
  const plans = planFleet({ names, devices: workload.devices, workersPerHost, records: workload.records, rateRecordsPerSec: workload.rateRecordsPerSec, partName: 'hosts' });
  const connected = await connectHosts(names, { configFile: workload.sshConfig, remoteCommand: workload.remoteCommand, remoteDir: workload.remoteDir ?? process.cwd() });
  for (const host of connected) {
    if (host.hello.buildId !== buildId()) notice(buildDiffers(host.name, host.hello.buildId));
  }
  hooks.onHostsConnected?.(connected.map((host) => ({ name: host.name, offsetUs: host.clock.offsetUs, uncertaintyUs: host.clock.uncertaintyUs })));
  let source: FleetSource | undefined;
  try {
    const prepared = await prepareRun({ ...workload, workers: workersPerHost }, notice);
    const plan = flattenFleet(plans);
    const fleetPrepared = { ...prepared, plan, workers: plan.length };
    const e2e = workload.e2e ? await startEndToEnd(workload, fleetPrepared.topic, fleetPrepared.connection?.settings, notice) : undefined;
    source = new FleetSource(connected, plans, { workload, librdkafka: prepared.librdkafka, inline });
    const hostLines = hooks.onHostIntervals ? hostIntervalLines(source.states) : undefined;
    const cpuAtStart = process.cpuUsage();
    const sampled = await sampleRun(source, e2e, workload, {
      signal: hooks.signal,
      onStart: () => hooks.onStart?.({ workers: plan.length, topic: prepared.topic }),
      onInterval: (row, cumulative) => {
        hooks.onInterval?.(row, cumulative);
        if (hostLines) hooks.onHostIntervals!(hostLines());
      },
    });
    const cpu = process.cpuUsage(cpuAtStart);
    const endToEnd = e2e ? e2e.report(sampled.consumerOutcomes, prepared.topic!.partitions, plan, source.sentPerShard()) : null;
    const publishDelays = workload.rateRecordsPerSec === undefined ? null : source.publishDelays();
    const result = assembleResult({ workload, prepared: fleetPrepared, sampled, publishDelays, endToEnd, notices });
    const hosts = hostReports(source.states);
    const fleet = fleetReport({ states: source.states, hosts, workersPerHost, maxClockSkewUs: workload.maxClockSkewUs, e2e: workload.e2e, coordinatorCpuMicros: cpu.user + cpu.system, intervals: sampled.intervals.length });
    if (workload.e2e && fleet.clockSkewExceeded) {
      result.notices.push(`end-to-end latency crosses hosts: clocks agree to within ±${(fleet.clockSkewBoundUs / 1000).toFixed(3)} ms (measured), above --max-clock-skew ${(workload.maxClockSkewUs / 1000).toFixed(3)} ms`);
    }
    return { ...result, hosts, fleet };
  } finally {
    if (source) await source.close();
    else await Promise.all(connected.map((host) => host.link.close(2_000)));
  }
}

async function startEndToEnd(workload: Workload, topic: RunResult['topic'], settings: Readonly<Record<string, string>> | undefined, notice: (text: string) => void): Promise<EndToEndConsumers> {
  if (topic === null || settings === undefined) throw new StampedeError('E_OPTION', '--e2e needs records on a broker: use --client native or node-rdkafka, not null');
  const consumers = Math.min(workload.consumers, topic.partitions);
  if (consumers < workload.consumers) notice(`${workload.consumers} consumers for ${topic.partitions} partitions: using ${consumers}, one partition at least each`);
  notice('with --hosts, the --e2e consumers run on this (the coordinator\'s) host: one consumer group sees every device, so integrity is exact; end-to-end latency compares each agent\'s clock with this one, within the measured clock-offset bound');
  return EndToEndConsumers.start({ topic: topic.name, partitions: topic.partitions, consumers, format: workload.format, librdkafka: { ...settings } });
}
