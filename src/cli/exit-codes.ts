/**
 * Every exit code of every stampede command, in one place (k6 keeps its list in one file too). When
 * several apply to one run, the first in this order wins: a worker failure, an interruption, a
 * timeout, not valid, integrity, a failed threshold. README "Exit codes" mirrors this list.
 */
export const ExitCode = {
  /** the run, check or comparison passed */
  ok: 0,
  /** a failure during the run (the result is still written), or `verify` found a problem */
  failure: 1,
  /** bad input: a flag, a workload file, a result file, an unreachable cluster */
  usage: 2,
  /** not valid at the asked rate: the generator fell behind its schedule; `max`: no rate meets the SLO (even the floor fails) */
  notValid: 3,
  /** records lost or duplicated (--e2e), or a record of an aborted transaction read (--transactional) */
  integrity: 4,
  /** `diff`: a metric regressed beyond --fail-above */
  regression: 5,
  /** a --threshold failed */
  thresholdFailed: 6,
  /** Ctrl-C (or SIGTERM, in run): producing stopped, acks drained, the result still written (a second signal quits without it) */
  interrupted: 130,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];
