import type { ClockOffset } from '../contracts/fleet.js';
/**
 * Clock offset of an agent's host against the coordinator's, NTP style, over the agent's own
 * stdin/stdout (so it measures the path the run uses, ssh included): the coordinator sends its wall
 * clock t0, the agent answers with its wall clock, the answer arrives at t3. Assuming the two legs
 * take equally long, offset = agent − (t0 + t3) / 2; whatever the legs' split, the true offset lies
 * within ± (t3 − t0) / 2 of it. The round trip with the least delay gives the tightest bound.
 */
export interface ClockSample {
  t0Us: number;
  agentUs: number;
  t3Us: number;
}

export function estimateOffset(samples: readonly ClockSample[]): ClockOffset {
  if (samples.length === 0) throw new Error('no clock samples');
  let best = samples[0]!;
  for (const sample of samples) if (sample.t3Us - sample.t0Us < best.t3Us - best.t0Us) best = sample;
  const roundTripUs = Math.max(0, best.t3Us - best.t0Us);
  return {
    offsetUs: round1(best.agentUs - (best.t0Us + best.t3Us) / 2),
    uncertaintyUs: round1(roundTripUs / 2),
    bestRoundTripUs: round1(roundTripUs),
    samples: samples.length,
  };
}

/**
 * The bound on a cross-host end-to-end latency: a record stamped on host h and received on the
 * coordinator's host is off by h's offset, known to ± its uncertainty, so |error| ≤ |offset| + uncertainty.
 */
export function skewBoundUs(offsets: readonly ClockOffset[]): number {
  let bound = 0;
  for (const offset of offsets) bound = Math.max(bound, Math.abs(offset.offsetUs) + offset.uncertaintyUs);
  return round1(bound);
}

const round1 = (value: number): number => Math.round(value * 10) / 10;
