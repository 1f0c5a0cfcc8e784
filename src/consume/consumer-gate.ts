import type { NativeConsumerClient } from '../clients/native-consumer.js';
import { kConsumerPauseSlot, kConsumerRetireBase } from '../shared/layout.js';

/**
 * What the coordinator asks of one e2e consumer thread beyond stop: pause fetching while it keeps
 * polling (--backlog: a member that stops polling for max.poll.interval.ms is put out of the group,
 * so pausing is librdkafka's pause of its partitions, not a sleep), or leave the group alone
 * (--consumer-churn). Read once per poll loop turn: two Atomics loads.
 */
export class ConsumerGate {
  private paused = false;
  /** the assignment when this member last paused: a rebalance's new partitions start unpaused */
  private pausedAssignment = '';

  constructor(
    private readonly control: Int32Array,
    private readonly index: number,
  ) {}

  get retired(): boolean {
    return Atomics.load(this.control, kConsumerRetireBase + this.index) === 1;
  }

  /** Pauses or resumes as asked; pauses again when the assignment changed while paused. */
  apply(client: NativeConsumerClient, assignment: readonly number[]): void {
    const wanted = Atomics.load(this.control, kConsumerPauseSlot) === 1;
    if (wanted) {
      const key = assignment.join(',');
      if (this.paused && key === this.pausedAssignment) return;
      client.pause();
      this.paused = true;
      this.pausedAssignment = key;
    } else if (this.paused) {
      client.resume();
      this.paused = false;
    }
  }
}
