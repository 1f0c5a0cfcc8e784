import type { RunResult } from '../contracts/result.js';
import { formatCount } from '../fmt.js';
import type { AbortedCheck } from '../verify/aborted.js';

/** The loss/duplicate verdict and partition balance, for `run --e2e` and `verify` alike. */
export function renderIntegrityLines(
  integrity: { uniqueRecords: number; lost: number; duplicates: number; outOfOrder: number; devices: number; devicesWithGaps: number; decodeErrors: number; examples: { deviceId: number; missingSeq: number }[] },
  partitions: { perPartition: number[]; balancePct: number } | null,
  /** false for unkeyed records (--keys none): a device's records span partitions, so their order is not a fault */
  orderChecked = true,
): string[] {
  const clean = integrity.lost === 0 && integrity.duplicates === 0 && integrity.decodeErrors === 0;
  const lines = [
    `${clean ? '✓' : '✗'} integrity: ${formatCount(integrity.uniqueRecords)} distinct records from ${formatCount(integrity.devices)} devices; ` +
      `lost ${formatCount(integrity.lost)}, duplicates ${formatCount(integrity.duplicates)}, out of order ${formatCount(integrity.outOfOrder)}` +
      (orderChecked ? '' : ' (not an error: unkeyed records, so a device\'s records span partitions and order is not checked)') +
      (integrity.decodeErrors > 0 ? `, undecodable ${formatCount(integrity.decodeErrors)}` : ''),
  ];
  if (integrity.lost > 0) {
    const examples = integrity.examples.map((example) => `device ${example.deviceId} seq ${example.missingSeq}`).join(', ');
    lines.push(`  ${formatCount(integrity.devicesWithGaps)} devices have gaps; first missing: ${examples}`);
  }
  if (partitions) {
    lines.push(`partitions: ${partitions.perPartition.map(formatCount).join(' / ')} records; balance ${partitions.balancePct.toFixed(1)} % (100 % = even)`);
  }
  return lines;
}

/** --transactional: Jepsen's "aborted read" check, for `run --e2e` and `verify --expect` alike. */
export function renderAbortedCheck(check: AbortedCheck): string {
  const read = check.abortedRead;
  const examples = check.abortedReadExamples.map((example) => `device ${example.deviceId} seq ${example.seq}`).join(', ');
  return `${read === 0 ? '✓' : '✗'} aborted reads: ${formatCount(read)} of ${formatCount(check.abortedRecords)} records of aborted transactions were read${read > 0 ? ` (first: ${examples})` : ''}; lost counts committed records only`;
}

export function renderIntegrity(result: RunResult): string[] {
  if (!result.integrity) return [];
  const lines = renderIntegrityLines(result.integrity, result.partitions, result.workload.keys !== 'none');
  lines.push(`consumers: ${result.integrity.consumers} in group ${result.integrity.groupId}; end-to-end latency is receive − send time on one host's clock`);
  const cpu = result.integrity.consumerCpu;
  if (cpu) lines.push(`consumers' own CPU: ${(cpu.pollingSeconds + cpu.librdkafkaSeconds).toFixed(2)} CPU-s (polling threads ${cpu.pollingSeconds.toFixed(2)}, librdkafka's ${cpu.librdkafkaSeconds.toFixed(2)})${cpu.secondsPerMillionRecords === null ? '' : `, ${cpu.secondsPerMillionRecords.toFixed(2)} per million records`}`);
  if ((result.integrity.reread ?? 0) > 0) lines.push(`note: ${formatCount(result.integrity.reread!)} records were delivered again at offsets already read (a rebalance, e.g. after a broker restart) and counted once`);
  if (result.integrity.abortedRecords !== undefined) {
    lines.push(renderAbortedCheck({ abortedRecords: result.integrity.abortedRecords, abortedRead: result.integrity.abortedRead ?? 0, abortedReadExamples: result.integrity.abortedReadExamples ?? [] }));
  }
  if (result.integrity.skippedOlder > 0) lines.push(`note: ${formatCount(result.integrity.skippedOlder)} records older than this run were read past (a fresh topic avoids that)`);
  return lines;
}
