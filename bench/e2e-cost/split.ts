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
  /** rate a host whose cores are all busy loses to the consumers' own CPU: c ÷ (producer + broker + c) */
  ownShare: number | null;
  /** the rest of the cost: the broker serving fetches, scheduling and caches on shared cores */
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
 * Medians of one build's rounds, and the split of the rate `--e2e` costs: on a host whose cores
 * are all busy producing, consumers that use c CPU-s per million records take c ÷ (p + b + c) of
 * the rate (p, b: the producer process's and the broker's CPU per million without --e2e); that
 * share is the consumer path's own, the rest of the measured cost is what sharing the cores costs.
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
  const ownShare = consumerCpuPerMillion !== null && producerCpuPerMillion !== null && brokerCpuPerMillion !== null ? consumerCpuPerMillion / (producerCpuPerMillion + brokerCpuPerMillion + consumerCpuPerMillion) : null;
  const sharingShare = cost !== null && ownShare !== null ? cost - ownShare : null;
  const figures: E2eCostFigures = { build, recordsPerSecWithout, recordsPerSecWith, cost, producerCpuPerMillion, brokerCpuPerMillion, consumerCpuPerMillion, ownShare, sharingShare };
  const rate = (value: number | null): string => (value === null ? '—' : Math.round(value).toLocaleString('en-US'));
  const lines = [
    `${build}: without --e2e ${rate(recordsPerSecWithout)} rec/s, with ${rate(recordsPerSecWith)} (medians of ${without.length} and ${withE2e.length}): --e2e costs ${pct(cost)} of the rate`,
    `  producer process ${fixed(producerCpuPerMillion)} CPU-s per M acked, broker ${fixed(brokerCpuPerMillion)}; consumers' own ${fixed(consumerCpuPerMillion)} per M read`,
    ...(ownShare === null ? [] : [`  split: ${pct(ownShare)} the consumers' own CPU (goal ≤ 15 %), ${pct(sharingShare)} core sharing (broker fetches, scheduling on 2 shared cores)`]),
  ];
  return { figures, lines };
}
