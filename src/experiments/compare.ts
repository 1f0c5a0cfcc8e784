import { randomBytes } from 'node:crypto';
import { BatchBuilder } from '../records/batch.js';
import { encoderFor } from '../records/codec.js';
import { DeviceSimulator, newReading } from '../records/device.js';
import { runWorkload, type RunHooks } from '../run/runner.js';
import type { RunResult } from '../contracts/result.js';
import type { Workload } from '../options/workload-shape.js';
import { fitBatch } from '../options/batch-budget.js';

/** One line of where a record's time goes. */
export interface BreakdownRow {
  stage: 'generation' | 'encoding' | 'client enqueue' | 'broker ack' | 'consume';
  /** CPU per record on one thread (first three) or added median latency (last two), µs */
  micros: number;
  kind: 'cpu-per-record' | 'median-latency';
  from: string;
}

export interface CompareResult {
  schemaVersion: 1;
  kind: 'compare';
  startedAt: string;
  modes: { micro: RunResult; broker: RunResult; endToEnd: RunResult };
  breakdown: BreakdownRow[];
}

/** µs per record of the simulator alone, and of simulator + encoder, in this thread (~0.5 s each). */
function measureGeneration(workload: Workload): { generationUs: number; generationAndEncodingUs: number } {
  const simulator = new DeviceSimulator(0, workload.devices, workload.seed);
  const encoder = encoderFor(workload.format, workload.recordSizeBytes);
  const builder = new BatchBuilder();
  // A batch of the run's own size, never past the memory budget (10 MB records × 1000 were 10 GB).
  const batchRecords = Math.min(1000, fitBatch(workload).batchRecords);
  const reading = newReading();
  const timeLoop = (body: (i: number) => void): number => {
    for (let i = 0; i < 20_000; i++) body(i); // warm the JIT
    let records = 0;
    const startedAt = performance.now();
    while (performance.now() - startedAt < 500) {
      for (let i = 0; i < 10_000; i++) body(i);
      records += 10_000;
    }
    return ((performance.now() - startedAt) * 1000) / records;
  };
  const generationUs = timeLoop(() => simulator.next(reading, 1));
  const generationAndEncodingUs = timeLoop((i) => {
    if (i % batchRecords === 0) builder.reset();
    simulator.next(reading, 1);
    encoder.append(builder, reading);
  });
  return { generationUs, generationAndEncodingUs };
}

/**
 * The same workload three ways: (a) micro, generated and encoded into the in-process null sink;
 * (b) through the client to the broker, acknowledged; (c) the same with consumers, end to end.
 * Each broker mode writes to a fresh topic so (c) reads nothing but its own records.
 */
export async function runCompare(workload: Workload, hooks: { onMode?(mode: string): void } & Pick<RunHooks, 'onInterval' | 'onNotice' | 'signal'>): Promise<CompareResult> {
  const startedAt = new Date().toISOString();
  const suffix = randomBytes(4).toString('hex');
  // The three modes measure cost, not behaviour under faults or against thresholds: neither applies.
  workload = { ...workload, faults: [], thresholds: [] };
  hooks.onMode?.('micro: null client, in process');
  const micro = await runWorkload({ ...workload, client: 'null', e2e: false }, hooks);
  hooks.onMode?.(`broker: ${workload.client} client, acknowledged`);
  const broker = await runWorkload({ ...workload, e2e: false, topic: `${workload.topic}-compare-${suffix}-broker` }, hooks);
  hooks.onMode?.(`end to end: ${workload.client} client and consumers`);
  const endToEnd = await runWorkload({ ...workload, e2e: true, topic: `${workload.topic}-compare-${suffix}-e2e` }, hooks);

  const { generationUs, generationAndEncodingUs } = measureGeneration(workload);
  const round = (value: number): number => Math.round(value * 1000) / 1000;
  const e2eLatency = endToEnd.latency.endToEnd;
  return {
    schemaVersion: 1,
    kind: 'compare',
    startedAt,
    modes: { micro, broker, endToEnd },
    breakdown: [
      { stage: 'generation', micros: round(generationUs), kind: 'cpu-per-record', from: 'device simulator alone, in process' },
      { stage: 'encoding', micros: round(Math.max(0, generationAndEncodingUs - generationUs)), kind: 'cpu-per-record', from: `simulator + ${workload.format} encoder, minus the simulator` },
      { stage: 'client enqueue', micros: round(broker.totals.sendMicros / Math.max(broker.totals.sent, 1)), kind: 'cpu-per-record', from: '(b) time inside client.send per record' },
      { stage: 'broker ack', micros: broker.latency.produceAck.p50, kind: 'median-latency', from: '(b) produce→ack p50: batching wait, network, broker append, ack' },
      { stage: 'consume', micros: e2eLatency ? Math.max(0, e2eLatency.p50 - endToEnd.latency.produceAck.p50) : 0, kind: 'median-latency', from: '(c) end-to-end p50 − produce→ack p50' },
    ],
  };
}
