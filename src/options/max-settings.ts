import { StampedeError } from '../errors.js';
import type { Threshold } from './thresholds.js';
import { optionValue } from './values.js';

/** Every step warms up this long unless --warmup says otherwise: librdkafka's queue and the broker's log fill first. */
export const kDefaultStepWarmupMs = 2_000;

export interface MaxOptions {
  slo: Threshold[];
  floorRecordsPerSec: number | undefined;
  stepDurationMs: number;
  maxSteps: number;
  /** 0.05 for 5 % */
  precision: number;
  /** bisect: fixed-rate steps; steps: one stepped run finds the knee, one fixed-rate run confirms it */
  method: 'bisect' | 'steps';
}

/** Defaults, then flags; each value checked once, errors naming the flag. */
export function resolveMaxOptions(flags: Readonly<Record<string, unknown>>): MaxOptions {
  const value = (name: string): unknown => optionValue('max', name, flags);
  const slo = value('slo') as Threshold[];
  if (slo.length === 0) throw new StampedeError('E_OPTION', "--slo is required: the objective each step must meet, such as --slo 'p99<50ms'");
  return {
    slo,
    floorRecordsPerSec: value('floor') as number | undefined,
    stepDurationMs: value('step-duration') as number,
    maxSteps: value('max-steps') as number,
    precision: value('precision') as number,
    method: value('method') as MaxOptions['method'],
  };
}
