import type { ConsumerCpu } from '../../src/contracts/result.js';

/** One run of bench-e2e-cost. */
export interface E2eCostRow {
  build: string;
  e2e: boolean;
  round: number;
  /** the producers' acked records/s over the measured window */
  recordsPerSec: number;
  /** records acked over the whole run (warmup included), what the CPU figures are divided by */
  ackedTotal: number;
  /** user + system CPU of the stampede process over its whole life */
  processCpuSeconds: number;
  /** the broker's CPU over the same time */
  brokerCpuSeconds: number;
  /** --e2e runs of a build that measures it: the consumers' own thread CPU */
  consumerCpu: ConsumerCpu | null;
  lost: number | null;
  error?: string | undefined;
}

export interface E2eCostFigures {
  build: string;
  recordsPerSecWithout: number | null;
  recordsPerSecWith: number | null;
  /** 1 − with ÷ without */
  cost: number | null;
  /** the process's CPU-s per million acked without --e2e (producing alone) */
  producerCpuPerMillion: number | null;
  brokerCpuPerMillion: number | null;
  /** the consumers' own CPU-s per million records read (their threads' CPU clocks) */
  consumerCpuPerMillion: number | null;
  /** the consumers' polling threads' part of their own CPU (the rest is librdkafka's threads') */
  pollingShare: number | null;
  /** the consumers' own share of an --e2e run's CPU per record, c ÷ (producer + broker + c): the rate a host with no spare core loses to them */
  ownShare: number | null;
  /** measured cost − ownShare: what sharing this host's cores costs beyond the consumers' own CPU (negative when the producers had CPU to spare) */
  sharingShare: number | null;
}

const median = (values: number[]): number | null => {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};
const perMillion = (seconds: number, records: number): number => (seconds / records) * 1e6;
const pct = (value: number | null): string => (value === null ? '—' : `${(value * 100).toFixed(1)} %`);
const fixed = (value: number | null, digits = 2): string => (value === null ? '—' : value.toFixed(digits));

/**
 * Medians of one build's rounds, and the split of the rate `--e2e` costs: consumers that use c
 * CPU-s per million records, beside producers at p and a broker at b (per million, without
 * --e2e), take c ÷ (p + b + c) of the CPU an --e2e run spends per record, and so of the rate on a
 * host with no spare core: that share is the consumer path's own; the measured cost beyond it is
 * what sharing this host's cores costs (negative when the producers were not CPU-bound).
 */
export function summarizeE2eCost(build: string, rows: E2eCostRow[]): { figures: E2eCostFigures; lines: string[] } {
  const ok = rows.filter((row) => row.error === undefined && row.recordsPerSec > 0 && row.ackedTotal > 0);
  const without = ok.filter((row) => !row.e2e);
  const withE2e = ok.filter((row) => row.e2e);
  const recordsPerSecWithout = median(without.map((row) => row.recordsPerSec));
  const recordsPerSecWith = median(withE2e.map((row) => row.recordsPerSec));
  const cost = recordsPerSecWithout && recordsPerSecWith !== null ? 1 - recordsPerSecWith / recordsPerSecWithout : null;
  const producerCpuPerMillion = median(without.map((row) => perMillion(row.processCpuSeconds, row.ackedTotal)));
  const brokerCpuPerMillion = median(without.map((row) => perMillion(row.brokerCpuSeconds, row.ackedTotal)));
  const consumerCpuPerMillion = median(withE2e.flatMap((row) => (row.consumerCpu?.secondsPerMillionRecords ?? null) === null ? [] : [row.consumerCpu!.secondsPerMillionRecords!]));
  // The polling threads' part of it (poll, decode, integrity checks, latency), the rest librdkafka's threads'.
  const pollingShare = median(withE2e.flatMap((row) => (row.consumerCpu && row.consumerCpu.pollingSeconds + row.consumerCpu.librdkafkaSeconds > 0 ? [row.consumerCpu.pollingSeconds / (row.consumerCpu.pollingSeconds + row.consumerCpu.librdkafkaSeconds)] : [])));
  const ownShare = consumerCpuPerMillion !== null && producerCpuPerMillion !== null && brokerCpuPerMillion !== null ? consumerCpuPerMillion / (producerCpuPerMillion + brokerCpuPerMillion + consumerCpuPerMillion) : null;
  const sharingShare = cost !== null && ownShare !== null ? cost - ownShare : null;
  const figures: E2eCostFigures = { build, recordsPerSecWithout, recordsPerSecWith, cost, producerCpuPerMillion, brokerCpuPerMillion, consumerCpuPerMillion, pollingShare, ownShare, sharingShare };
  const rate = (value: number | null): string => (value === null ? '—' : Math.round(value).toLocaleString('en-US'));
  const lines = [
    `${build}: without --e2e ${rate(recordsPerSecWithout)} rec/s, with ${rate(recordsPerSecWith)} (medians of ${without.length} and ${withE2e.length}): --e2e costs ${pct(cost)} of the rate`,
    `  producer process ${fixed(producerCpuPerMillion)} CPU-s per M acked, broker ${fixed(brokerCpuPerMillion)}; consumers' own ${fixed(consumerCpuPerMillion)} per M read${pollingShare === null ? '' : ` (${pct(pollingShare)} of it their polling threads', the rest librdkafka's)`}`,
    ...(ownShare === null ? [] : [`  split: the consumers' own CPU is ${pct(ownShare)} of the run's CPU per record (goal ≤ 15 %); the measured cost beyond it, core sharing: ${pct(sharingShare)}`]),
  ];
  return { figures, lines };
}
