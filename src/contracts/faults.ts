/** What was done to the broker, and when (ms after go), for the result and the summary. */
export interface FaultEvent {
  kind: 'broker-restart';
  killedPid: number;
  killedAtMs: number;
  /** absent when the restart failed */
  restartedPid?: number;
  restartedAtMs?: number;
  error?: string;
}
