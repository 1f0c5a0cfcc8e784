import { StampedeError } from '../errors.js';
import { withClusterAdmin } from '../clients/admin.js';
import { resolveConnection } from '../connection/config.js';
import { optionValue } from '../options/values.js';
import { formatCount, formatDurationMs } from '../fmt.js';
import { renderIntegrityLines } from '../report/integrity.js';
import { writeJson } from '../report/json.js';
import { partitionBalance, type FormatChoice } from '../verify/sink.js';
import { readTopicToEnd } from '../verify/read-to-end.js';
import { readExpectation, type Expectation } from '../verify/expectation.js';
import { excuseAborted } from '../verify/aborted.js';
import { renderAbortedCheck } from '../report/integrity.js';
import { registerSchemaEncodings } from '../encodings/model-encodings.js';

// A model run's avro or protobuf values are read back for their identity.
registerSchemaEncodings();

const kAdminTimeoutMs = 10_000;

/**
 * `stampede verify`: reads a topic from the beginning to the end it has now, with a fresh consumer
 * group, and checks every device's sequence: gaps (lost), repeats (duplicates), late arrivals. A
 * loss after a device's last record on the topic cannot be seen from the topic alone: given the
 * run's result (--expect), every device's expected count follows from its plan and the records each
 * shard sent, and those losses show too — the check to run after a broker restart or a failover.
 * With --topic naming another topic than the run's, that topic is checked as a copy of the run's
 * (a mirror, a processor's passthrough output). Exit 0 when clean, 1 when anything is lost or duplicated.
 */
export async function verifyCommand(argv: Record<string, unknown>): Promise<number> {
  const value = (name: string): unknown => optionValue('verify', name, argv);
  const brokersText = value('brokers') as string;
  const expectPath = value('expect') as string | undefined;
  const expectation = expectPath === undefined ? undefined : readExpectation(expectPath);
  const topicGiven = value('topic') as string | undefined;
  if (topicGiven === undefined && expectation === undefined) throw new StampedeError('E_OPTION', '--topic is required (or --expect RESULT.json, whose run names it)');
  const topic = topicGiven ?? expectation!.topic;
  // A copy (a mirror's replica, a processor's passthrough output) holds the same records: checked
  // against the run that wrote the original, by the identity each record carries.
  if (expectation && topic !== expectation.topic) console.log(`note: verifying ${topic} as a copy of ${expectation.topic}, the topic the run of ${expectation.file} wrote`);
  const format = value('format') as FormatChoice;
  const timeoutMs = value('timeout') as number;
  const connection = resolveConnection({ brokers: brokersText, commandConfig: value('command-config') as string | undefined, commandProperties: value('command-property') as Record<string, string> });
  for (const line of connection.notices) console.log(`note: ${line}`);

  const partitions = await withClusterAdmin(connection, (admin) => admin.topicPartitions(topic, kAdminTimeoutMs));
  if (partitions === null) throw new StampedeError('E_OPTION', `--topic ${topic}: no such topic on ${brokersText}`);

  const startedAt = Date.now();
  const { sink, complete } = await readTopicToEnd(connection.settings, topic, format, startedAt + timeoutMs, (read) => console.log(`verify: ${formatCount(read)} records read…`), expectation?.traceRunId, expectation?.model?.identity);

  // A --transactional run's aborted records are not lost; any of them read is an aborted read.
  const aborted = expectation?.abortedRangesPerShard ? excuseAborted(sink.tracker, expectation.plan, expectation.abortedRangesPerShard, expectation.model?.orders) : undefined;
  const integrity = { ...sink.tracker.summarize(expectation?.perDevice), decodeErrors: sink.decodeErrors, ...aborted };
  const balance = partitionBalance(sink.partitionCounts, partitions);
  console.log(`verify ${topic} on ${brokersText}: ${formatCount(integrity.uniqueRecords + integrity.duplicates)} records in ${formatDurationMs(Date.now() - startedAt)}`);
  // Unkeyed records (--keys none) land on several partitions per device: order is not theirs to keep.
  const unkeyed = expectation ? expectation.keys === 'none' : sink.keyless > 0 && sink.keyless === integrity.uniqueRecords + integrity.duplicates;
  for (const line of renderIntegrityLines(integrity, balance, !unkeyed)) console.log(line);
  if (aborted) console.log(renderAbortedCheck(aborted));
  if (sink.foreign > 0) console.log(`${formatCount(sink.foreign)} records of other runs skipped (their trace header names another run than ${expectation!.traceRunId})`);
  if (sink.firstDecodeError) console.log(`first undecodable record: ${sink.firstDecodeError}`);
  const expected = expectation ? expectedVerdict(expectation, integrity.lost) : undefined;
  if (expected) console.log(expected.line);
  if (!complete) console.log(`✗ incomplete: the end of the topic was not reached within ${formatDurationMs(timeoutMs)} (--timeout)`);
  const out = value('out') as string | undefined;
  if (out) {
    const copyOf = expectation && topic !== expectation.topic ? { copyOf: expectation.topic } : {};
    writeJson(out, { schemaVersion: 1, kind: 'verify', topic, ...copyOf, brokers: brokersText, complete, integrity: { ...integrity, foreign: sink.foreign, traced: sink.traced }, orderChecked: !unkeyed, partitions: balance, ...(expected ? { expected: expected.json } : {}) });
    console.log(`result: ${out}`);
  }
  const lossExplained = expected ? expected.json.lostAckedAtLeast === 0 : integrity.lost === 0;
  return complete && lossExplained && integrity.duplicates === 0 && integrity.decodeErrors === 0 && (aborted?.abortedRead ?? 0) === 0 ? 0 : 1;
}

/**
 * Against a run's result: records the producer saw fail (errors) may be missing without anything
 * acknowledged being lost; only what is missing beyond them must have been acknowledged and lost.
 */
function expectedVerdict(expectation: Expectation, lost: number): { line: string; json: { file: string; sent: number; acked: number; failedAtProducer: number; missing: number; lostAckedAtLeast: number } } {
  const lostAckedAtLeast = Math.max(0, lost - expectation.errors);
  const failed = expectation.errors > 0 ? `, ${formatCount(expectation.errors)} of them failed at the producer` : '';
  const verdict = lostAckedAtLeast > 0 ? `✗ at least ${formatCount(lostAckedAtLeast)} acknowledged records are not on the topic` : lost > 0 ? '✓ every missing record is one the producer saw fail' : '✓ every record sent is on the topic';
  return {
    line: `expected (from ${expectation.file}): ${formatCount(expectation.sent)} records sent, ${formatCount(expectation.acked)} acknowledged${failed}; missing ${formatCount(lost)}\n${verdict}`,
    json: { file: expectation.file, sent: expectation.sent, acked: expectation.acked, failedAtProducer: expectation.errors, missing: lost, lostAckedAtLeast },
  };
}
