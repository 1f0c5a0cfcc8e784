import { StampedeError } from '../errors.js';
import { peakRecordsPerSec, scheduleDurationMs, type LoadSchedule } from './schedule.js';
import type { OptionName } from './schema.js';
import type { Workload } from './workload-shape.js';

/** Options a load schedule takes the place of: it says the rate and how long. */
const kReplacedBySchedule: readonly OptionName[] = ['rate', 'duration', 'records'];

/**
 * Puts --stages or --steps into the workload: the run's rate becomes the schedule's peak (what the
 * plan splits and the client queues are sized for; each worker follows the schedule scaled by its
 * share) and its duration the schedule's length. One line naming the flags when they clash.
 */
export function applyLoadSchedule(workload: Workload, stages: LoadSchedule | undefined, steps: LoadSchedule | undefined, given: (name: OptionName) => boolean): void {
  if (stages !== undefined && steps !== undefined) throw refuse('--stages and --steps are two schedules: give one');
  const schedule = stages ?? steps;
  if (schedule === undefined) return;
  const flag = `--${schedule.kind}`;
  const clash = kReplacedBySchedule.find(given);
  if (clash !== undefined) throw refuse(`${flag} sets the rate and the length of the run: drop --${clash}`);
  if (workload.hosts !== undefined || workload.instanceId !== undefined || workload.instances !== undefined) {
    throw refuse(`${flag} runs on this host only for now: drop --hosts / --instances`);
  }
  workload.loadSchedule = schedule;
  workload.rateRecordsPerSec = peakRecordsPerSec(schedule);
  workload.durationMs = scheduleDurationMs(schedule);
  workload.records = undefined;
}

const refuse = (message: string): StampedeError => new StampedeError('E_OPTION', message);
