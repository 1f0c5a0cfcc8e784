import type { ProducerTaskResult } from '../contracts/producer-task.js';

/**
 * When the producers' measured window ends: the moment the last worker's records had all settled
 * (its flush returned), on this thread's clock. Not when every worker had also closed its client
 * and answered: librdkafka's destroy and the thread hop add tens of ms that nothing was sent or
 * acked in, and would make a healthy short run look short of its rate. Workers report the
 * wall clock (performance.now() origins differ between threads), converted here with one reading
 * of both clocks.
 */
export function windowEndMs(outcomes: readonly ProducerTaskResult[], nowMs: number, nowWallUs: number): number {
  const settled = outcomes.map((outcome) => outcome.settledAtWallUs).filter((at): at is number => at !== undefined);
  if (settled.length < outcomes.length || settled.length === 0) return nowMs;
  const sinceLastUs = nowWallUs - Math.max(...settled);
  return nowMs - Math.max(0, sinceLastUs) / 1000;
}

/** The rate the workers' arrival schedules made due, summed; undefined unless every worker said. */
export function scheduledRecordsPerSec(outcomes: readonly ProducerTaskResult[]): number | undefined {
  const rates = outcomes.map((outcome) => outcome.scheduledRecordsPerSec);
  return rates.length > 0 && rates.every((rate) => rate !== undefined) ? rates.reduce((sum, rate) => sum + rate!, 0) : undefined;
}
