/** What `stampede max` prints: its plan, each step as it finishes, and the answer with its settings. */
import { redactSettings } from '../connection/redact.js';
import type { MaxResult, MaxSettings, MaxThroughput } from '../experiments/max-rate.js';
import type { MaxConfirmation } from '../experiments/max-confirm.js';
import type { SearchStep } from '../experiments/max-search.js';
import type { MaxStep } from '../experiments/max-step.js';
import type { SteppedSearch } from '../experiments/max-stepped.js';
import { formatCount, formatDurationMs, formatLatencyUs, formatRate } from '../fmt.js';
import { LATENCY_KINDS } from '../histogram/latency-kinds.js';
import type { Threshold } from '../options/thresholds.js';
import type { Workload } from '../options/workload-shape.js';

const kOpWords: Record<Threshold['op'], string> = { '<': '<', '<=': '≤', '>': '>', '>=': '≥', '==': '=', '!=': '≠' };

/** "produce→ack p99 < 50 ms", "end to end p99.9 ≤ 200 ms", "lost = 0". */
export function describeSlo(threshold: Threshold): string {
  const { metric, op, limit } = threshold;
  if (metric.type === 'run') return `${metric.name} ${kOpWords[op]} ${formatCount(limit)}`;
  if (metric.type === 'stage') return `${threshold.source}`;
  const title = LATENCY_KINDS.find((kind) => kind.key === metric.kind)?.title ?? metric.kind;
  const stat = metric.stat === 'percentile' ? `p${metric.percentile}` : metric.stat;
  return `${title} ${stat} ${kOpWords[op]} ${formatLatencyUs(limit)}`;
}

const latencyOrDash = (latencyUs: number | null): string => (latencyUs === null ? '—' : formatLatencyUs(latencyUs));

export function renderMaxPlan(workload: Workload, settings: MaxSettings, slo: readonly Threshold[]): string {
  if (settings.method === 'steps') return renderSteppedPlan(workload, settings, slo);
  const floor = settings.floorRecordsPerSec === undefined ? '1 % of the measured max' : formatRate(settings.floorRecordsPerSec);
  const target = workload.client === 'null' ? 'the in-process null sink' : `${workload.topic} on ${workload.brokers}`;
  return [
    `stampede max: the highest fixed rate at which ${slo.map(describeSlo).join(' and ')} holds, on ${target}`,
    `  floor ${floor}, at most ${settings.maxSteps} steps of ${formatDurationMs(settings.stepWarmupMs)} warmup + ${formatDurationMs(settings.stepDurationMs)} measured (the first after a ${formatDurationMs(settings.settleAfterMaxMs ?? settings.stepDurationMs)} pause, each after a failed step after ${formatDurationMs(settings.stepWarmupMs)}, so the broker has written the backlog), until the bracket is within ${+(settings.precision * 100).toFixed(2)} %`,
  ].join('\n');
}

function renderSteppedPlan(workload: Workload, settings: MaxSettings, slo: readonly Threshold[]): string {
  const floor = settings.floorRecordsPerSec === undefined ? '1 % of the measured max' : formatRate(settings.floorRecordsPerSec);
  const target = workload.client === 'null' ? 'the in-process null sink' : `${workload.topic} on ${workload.brokers}`;
  return [
    `stampede max --method steps: the highest rate at which ${slo.map(describeSlo).join(' and ')} holds, on ${target}`,
    `  one stepped run of ${settings.maxSteps} levels from ${floor} to the measured max, each held ${formatDurationMs(settings.stepDurationMs)} after a ${formatDurationMs(settings.stepWarmupMs)} warmup; then a fixed-rate run at the knee confirms it`,
  ].join('\n');
}

/** The stepped run's levels, one line each, then its knee. */
export function renderStepped(stepped: SteppedSearch): string[] {
  const lines = [`stepped run ${stepped.schedule}:`];
  for (const level of stepped.levels) {
    lines.push(`  ${formatRate(level.targetRecordsPerSec).padStart(16)}  achieved ${formatCount(Math.round(level.achievedRecordsPerSec))}  p99 ${latencyOrDash(level.produceAckP99Us)}  ${level.pass ? '✓' : level.valid ? '✗ SLO' : '✗ NOT VALID'}`);
  }
  const knee = stepped.knee;
  if (knee) lines.push(knee.highestPassedRecordsPerSec === null ? `knee: below the first level — ${knee.reason}` : `knee: ${formatRate(knee.highestPassedRecordsPerSec)}${knee.reason ? `; first that did not ${knee.reason}` : ' (every level passed)'}; confirming at a fixed rate…`);
  return lines;
}

export const renderMeasuring = (settings: MaxSettings): string =>
  `measuring the max throughput (as fast as possible, ${formatDurationMs(settings.stepWarmupMs)} warmup + ${formatDurationMs(settings.stepDurationMs)})…`;

export const renderMeasured = (throughput: MaxThroughput): string =>
  `max throughput ${formatRate(throughput.recordsPerSec)} (produce→ack p99 ${formatLatencyUs(throughput.produceAckP99Us)}, closed loop): no step asks more`;

/** "asked 256,000 rec/s  achieved 255,990 (100.0 %)  p99 41.2 ms  publish-delay p99 420 µs  ✓ pass" (the caller numbers it). */
export function renderStep(step: SearchStep<MaxStep>): string {
  const v = step.verdict;
  const figures = `asked ${formatRate(v.askedRecordsPerSec)}  achieved ${formatCount(v.achievedRecordsPerSec)} (${v.achievedPct.toFixed(1)} %)  p99 ${latencyOrDash(v.produceAckP99Us)}  publish-delay p99 ${latencyOrDash(v.publishDelayP99Us)}`;
  const extra = v.slo.filter((o) => !/^produceAck\.p99$/.test(o.metric) && o.observed !== null && o.pass).map((o) => `${o.threshold} ✓`);
  const verdict = v.pass ? `✓ pass${extra.length > 0 ? ` (${extra.join(', ')})` : ''}` : `✗ fail: ${v.reasons.join('; ')}`;
  return `${figures}  ${verdict}`;
}

export const renderConfirming = (recordsPerSec: number, settings: MaxSettings): string =>
  `confirming ${formatRate(recordsPerSec)}: one more fixed-rate run at it, ${formatDurationMs(settings.stepWarmupMs)} warmup + ${formatDurationMs(settings.stepDurationMs)}…`;

/** "confirmed: 12,000 rec/s on 2 hosts (a, b), merged: achieved … p99 …" or why it was not. */
export function renderConfirmation(confirmation: MaxConfirmation): string {
  const where = confirmation.hosts.length > 0 ? ` on ${confirmation.hosts.length} hosts (${confirmation.hosts.map((host) => host.name).join(', ')}), merged` : '';
  const figures = `achieved ${formatCount(confirmation.achievedRecordsPerSec)} (${confirmation.achievedPct.toFixed(1)} %)  p99 ${latencyOrDash(confirmation.produceAckP99Us)}  publish-delay p99 ${latencyOrDash(confirmation.publishDelayP99Us)}`;
  return confirmation.met
    ? `✓ confirmed at ${formatRate(confirmation.recordsPerSec)}${where}: ${figures}`
    : `✗ not confirmed at ${formatRate(confirmation.recordsPerSec)}${where}: ${figures}; ${confirmation.reasons.join('; ')}`;
}

/** The settings the answer holds for, one per line. */
export function renderMaxSettings(result: MaxResult): string[] {
  const w = result.workload;
  const { 'bootstrap.servers': _bootstrap, ...librdkafka } = redactSettings(result.librdkafka);
  const record = w.format === 'fixed' ? `fixed ${w.recordSizeBytes}-byte records` : `${w.format} records`;
  const partitions = result.topic ? `, ${result.topic.partitions} partitions` : '';
  return [
    `  ${w.client} client, ${w.workers} worker(s), ${formatCount(w.devices)} devices, ${record}, ${w.arrival} arrivals${w.e2e ? `, end to end with ${w.consumers} consumer(s)` : ''}`,
    `  ${result.topic ? `topic ${result.topic.name}${partitions} on ${w.brokers}` : 'in-process null sink'}; profile ${w.profile}${Object.keys(librdkafka).length > 0 ? `: ${Object.entries(librdkafka).map(([k, v]) => `${k}=${v}`).join(' ')}` : ''}`,
    `  steps of ${formatDurationMs(result.settings.stepWarmupMs)} warmup + ${formatDurationMs(result.settings.stepDurationMs)} measured; a step passes when the SLO holds, the run is valid at its rate (publish-delay p99 ≤ ${formatLatencyUs(w.maxPublishDelayUs)}, no sender blocked) and ≥ 99 % of the asked rate is acked`,
  ];
}

/** The answer, or why there is none, as the last lines a user reads. */
export function renderMaxAnswer(result: MaxResult, slo: readonly Threshold[]): string[] {
  const sloText = slo.map(describeSlo).join(' and ');
  const { answer, maxThroughput, settings } = result;
  const max = maxThroughput ? formatRate(maxThroughput.recordsPerSec) : '—';
  if (answer.recordsPerSec === null) {
    if (answer.stoppedBecause === 'floor-above-max') {
      return [`no sustainable rate: the floor ${formatRate(settings.floorRecordsPerSec ?? 0)} is above the measured max throughput ${max}; lower --floor`];
    }
    if (answer.stoppedBecause === 'floor-failed') {
      const floorStep = result.steps[0];
      return [`no sustainable rate: even the floor, ${formatRate(settings.floorRecordsPerSec ?? 0)}, fails (${floorStep?.reasons.join('; ') ?? 'no step'}); loosen --slo or lower --floor`];
    }
    if (answer.stoppedBecause === 'interrupted') return ['interrupted before any step passed: no answer'];
    return ['no answer: a run failed (see above)'];
  }
  const failed = answer.failedAtRecordsPerSec === null ? `no step failed below the measured max ${max}` : `failed at ${formatRate(answer.failedAtRecordsPerSec)}`;
  const why =
    answer.stoppedBecause === 'precision'
      ? `bracket ${answer.bracketPct} % ≤ ${settings.precisionPct} %`
      : answer.stoppedBecause === 'max-steps'
        ? `stopped after --max-steps ${settings.maxSteps}; bracket ${answer.bracketPct} %, wider than --precision ${settings.precisionPct} %`
        : answer.stoppedBecause === 'knee-confirmed'
          ? `the stepped run's knee, confirmed by a fixed-rate run`
        : answer.stoppedBecause === 'exhausted'
          ? 'no whole rate left between the two'
          : answer.stoppedBecause === 'interrupted'
            ? 'interrupted: the best so far'
            : 'a run failed: the best so far';
  return [
    answerHeadline(result, sloText),
    ...renderMaxSettings(result),
    `  (passed at ${formatRate(answer.recordsPerSec)}, ${failed}; ${why}; ${result.steps.length} step(s); max throughput ${max})`,
    ...(result.confirmation && result.settings.method !== 'steps' ? [`  ${renderConfirmation(result.confirmation)}`] : []),
  ];
}

function answerHeadline(result: MaxResult, sloText: string): string {
  const { answer, status } = result;
  const rate = formatRate(answer.recordsPerSec!);
  // Cut short (before or during the confirming run), the best so far is a lower bound, not the answer.
  if (answer.stoppedBecause === 'failed' || answer.stoppedBecause === 'interrupted' || status === 'failed' || status === 'interrupted') {
    const why = status === 'interrupted' || answer.stoppedBecause === 'interrupted' ? 'interrupted' : 'a run failed';
    return `${why} before the search ended; the highest rate passed so far is ${rate} at ${sloText} (a lower bound), with these settings:`;
  }
  if (status === 'not-confirmed') return `not confirmed: a step passed at ${rate} at ${sloText} but the fixed-rate run that repeated it did not, so the rate sits on the edge (take a lower one, or search again with a longer --step-duration); with these settings:`;
  return `max sustainable rate ${rate} at ${sloText}, with these settings:`;
}
