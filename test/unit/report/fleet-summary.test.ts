import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { registerSecrets } from '../../../src/connection/redact.js';
import { renderFleetSummary } from '../../../src/report/fleet.js';
import type { RunResult } from '../../../src/contracts/result.js';
import { hostFacts } from '../../../src/runtime.js';
import { fakeRunResult } from '../../helpers/fake-result.js';
import type { FleetReport, HostReport } from '../../../src/contracts/fleet.js';

function host(name: string, failure: string | null): HostReport {
  const run = fakeRunResult();
  return {
    name,
    index: 0,
    status: failure === null ? 'ok' : 'failed',
    failure,
    slice: { index: 0, firstDevice: 0, deviceCount: 500, records: undefined, rateRecordsPerSec: undefined } as unknown as HostReport['slice'],
    workers: 1,
    totals: { sent: 10, acked: 10, errors: 0, backpressureWaits: 0, ackedBytes: 1000 },
    recordsPerSec: 10,
    produceAck: run.latency.produceAck,
    clock: { offsetUs: 0, uncertaintyUs: 50 } as HostReport['clock'],
    goAfterFirstUs: 0,
    agent: { version: '0.1.0', buildId: null, root: null, runtime: 'node', pid: 1, platformArch: 'linux-x64', facts: hostFacts(), cpuMicros: null, maxRssBytes: null },
    protocol: { intervalLines: 1, bytesPerIntervalLine: 100 },
  };
}

test('the fleet summary prints an agent\'s failure text with every secret of the run redacted', () => {
  // Unlike any other test's secret: the registry is per process, and uvu runs every file in one.
  const password = 'zq8-fleet-summary-pw';
  // As resolveConnection does with the run's connection settings on the coordinator.
  registerSecrets({ 'sasl.password': password });
  const fleet: FleetReport = {
    hosts: 2, workersPerHost: 1, clockSkewBoundUs: 50, maxClockSkewUs: 1000, clockSkewExceeded: false, goSpreadUs: 0, e2eConsumersOn: null,
    coordinator: { buildId: 'x', cpuMicros: 0, intervals: 1, cpuMicrosPerInterval: 0 },
  };
  const result: RunResult = { ...fakeRunResult(), hosts: [host('loadgen-1', null), host('loadgen-2', `host loadgen-2: Invalid value "${password}" for configuration property "sasl.password"`)], fleet };
  const lines = renderFleetSummary(result);
  const failure = lines.find((line) => line.startsWith('✗ '));
  assert.ok(failure !== undefined, lines.join('\n'));
  assert.not.ok(lines.some((line) => line.includes(password)), 'the password is not printed');
  assert.is(failure, '✗ host loadgen-2: Invalid value "[redacted]" for configuration property "sasl.password"');
});

test.run();
