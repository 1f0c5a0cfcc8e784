import { diffSnapshots, mergeSnapshots, summarize, toHdrHistogram, zeroSnapshot, type LatencySummary } from '../../histogram/merge.js';
import type { RegionSnapshot } from '../../shared/region.js';
import type { SnapshotSource } from '../../sources/types.js';
import type { EndToEndConsumers } from '../../consume/e2e-group.js';
import { readAckedTotals } from '../../histogram/snapshots.js';
import type { ChurnReport, RebalanceEvent } from '../../contracts/consumer-modes.js';

/** How often the group's consumed count is looked at: the resolution of a measured pause. */
const kSampleMs = 10;

interface OpenWindow {
  event: Omit<RebalanceEvent, 'pauseMs' | 'rebalancedAfterMs' | 'endToEnd'>;
  startedAtMs: number;
  before: RegionSnapshot;
  maxGapMs: number;
  rebalancedAtMs: number | null;
}

/**
 * Adds or removes one e2e consumer every --consumer-churn while the producers send, alternating
 * (added first while the group has fewer members than partitions, so none sits idle), and measures
 * each rebalance from the group's consumed count, sampled every 10 ms: the pause is the longest
 * stretch with no record consumed by any member, from the event until the group reads again with
 * every partition held by its new membership. Latency around a rebalance is merged from exact
 * histogram differences (snapshots at the window's ends), never from averaged percentiles.
 * Integrity stays exact through it: the members share their read positions (a partition's new
 * owner counts what the old one had read and is delivered again as re-read) and commit offsets.
 */
export class ConsumerChurn {
  private eventTimer: NodeJS.Timeout | undefined;
  private sampleTimer: NodeJS.Timeout | undefined;
  private goAtMs = 0;
  private lastConsumed = 0;
  private lastChangeAtMs: number | null = null;
  private longestGapOutsideMs = 0;
  private window: OpenWindow | null = null;
  private readonly closed: { event: RebalanceEvent; delta: RegionSnapshot }[] = [];
  private lastAction: RebalanceEvent['action'] | null = null;
  private producersEnded = false;

  constructor(
    private readonly everyMs: number,
    private readonly intervalMs: number,
    private readonly partitions: number,
    private readonly producers: SnapshotSource,
    private readonly e2e: EndToEndConsumers,
    private readonly notice: (text: string) => void,
  ) {}

  start(): void {
    this.goAtMs = performance.now();
    void this.producers.finished.then(() => (this.producersEnded = true));
    this.eventTimer = setInterval(() => this.churn(), this.everyMs);
    this.sampleTimer = setInterval(() => this.sample(), kSampleMs);
  }

  private get producing(): boolean {
    return !this.producersEnded && !this.producers.stopping;
  }

  private churn(): void {
    if (!this.producing) return clearInterval(this.eventTimer);
    const nowMs = performance.now();
    if (this.window) this.close(nowMs);
    const members = this.e2e.liveMembers().length;
    const canAdd = members < Math.min(this.partitions, this.e2e.slots);
    const add = canAdd && (this.lastAction !== 'added' || members < 2);
    const member = add ? this.e2e.addMember() : this.e2e.retireMember();
    if (member === null) return;
    this.lastAction = add ? 'added' : 'removed';
    const event = { atMs: Math.round(nowMs - this.goAtMs), action: this.lastAction, member, membersAfter: add ? members + 1 : members - 1 };
    this.window = { event, startedAtMs: nowMs, before: this.e2e.snapshot(), maxGapMs: 0, rebalancedAtMs: null };
    this.notice(`consumer churn at ${(event.atMs / 1000).toFixed(1)} s: consumer ${member} ${event.action}, ${event.membersAfter} in the group`);
  }

  /** The group's new membership holds every partition: the added member has some, or the removed one has left. */
  private settled(window: OpenWindow): boolean {
    const { action, member } = window.event;
    const live = this.e2e.liveMembers();
    if (action === 'removed' && live.includes(member)) return false;
    if (action === 'added' && !this.e2e.holds(member)) return false;
    return this.e2e.assignedNow() === this.partitions;
  }

  private sample(): void {
    const nowMs = performance.now();
    const consumed = readAckedTotals(this.e2e.regions, this.e2e.slots).acked;
    const window = this.window;
    if (consumed !== this.lastConsumed) {
      const gapMs = this.lastChangeAtMs === null ? 0 : nowMs - this.lastChangeAtMs;
      if (window) window.maxGapMs = Math.max(window.maxGapMs, gapMs);
      else if (this.producing) this.longestGapOutsideMs = Math.max(this.longestGapOutsideMs, gapMs);
      this.lastConsumed = consumed;
      this.lastChangeAtMs = nowMs;
      if (window && window.rebalancedAtMs === null && this.settled(window)) window.rebalancedAtMs = nowMs;
    }
    // Latency around the rebalance: until one interval after the group read again.
    if (window && window.rebalancedAtMs !== null && nowMs - window.rebalancedAtMs >= this.intervalMs) this.close(nowMs);
    if (!this.producing && !window) clearInterval(this.sampleTimer);
  }

  private close(nowMs: number): void {
    const window = this.window!;
    this.window = null;
    // A pause still going on when the window is cut short counts up to now.
    const ongoingMs = window.rebalancedAtMs === null && this.lastChangeAtMs !== null ? nowMs - this.lastChangeAtMs : 0;
    const delta = diffSnapshots(this.e2e.snapshot(), window.before);
    this.closed.push({
      event: {
        ...window.event,
        pauseMs: Math.round(Math.max(window.maxGapMs, ongoingMs)),
        rebalancedAfterMs: window.rebalancedAtMs === null ? null : Math.round(window.rebalancedAtMs - window.startedAtMs),
        endToEnd: { ...summarize(toHdrHistogram(delta.counts)), unit: 'us' },
      },
      delta,
    });
  }

  /** After the consumers stopped: every rebalance, and latency around them against all other records. */
  finish(): ChurnReport {
    clearInterval(this.eventTimer);
    clearInterval(this.sampleTimer);
    if (this.window) this.close(performance.now());
    const around = this.closed.length === 0 ? zeroSnapshot() : mergeSnapshots(this.closed.map((entry) => entry.delta));
    const others = diffSnapshots(this.e2e.snapshot(), around);
    const rebalances = this.closed.map((entry) => entry.event);
    const unfinished = rebalances.filter((event) => event.rebalancedAfterMs === null).length;
    if (unfinished > 0) this.notice(`${unfinished} rebalance(s) had not settled (every partition held by the new membership and read) by the next change or the producers' end`);
    return {
      everyMs: this.everyMs,
      rebalances,
      longestGapOutsideMs: Math.round(this.longestGapOutsideMs),
      endToEnd: { aroundRebalances: { ...summarize(toHdrHistogram(around.counts)), unit: 'us' }, others: { ...summarize(toHdrHistogram(others.counts)), unit: 'us' } },
    };
  }
}
