import { crashLocalBroker, localBrokerProcess } from '../broker/local.js';
import { parseBrokers } from '../connection/brokers.js';
import { StampedeError } from '../errors.js';
import type { BrokerRestartEvent } from '../contracts/faults.js';
import type { Workload } from '../options/workload-shape.js';

const kLoopbackHosts = new Set(['127.0.0.1', 'localhost', '::1']);

/**
 * `--fault broker-restart@10s:5s`: kill -9 of the local broker stampede started itself (`stampede
 * broker up`, found by its pid file), 10 s after go, and the same command line started again 5 s
 * later. Nothing else is ever killed: any other cluster is refused before the run starts, and gets
 * its faults from its operators' own tools while stampede measures the same way.
 */
/** Faults armed in this process: what a forced exit (a second Ctrl-C) must still undo. */
const armed = new Set<BrokerRestart>();

/** Ends every armed fault now: a broker still down is started again. For a signal handler about to exit. */
export function restoreArmedFaults(): void {
  for (const fault of [...armed]) fault.disarm();
}

export class BrokerRestart {
  readonly events: BrokerRestartEvent[] = [];
  private timers: NodeJS.Timeout[] = [];
  private pendingRestart: (() => void) | undefined;
  /** disarm() is final: a run stopped before its start must not arm the kill afterwards */
  private ended = false;

  private constructor(
    private readonly broker: { pid: number; dataDir: string },
    private readonly atMs: number,
    private readonly downMs: number,
  ) {}

  /** Checks, before anything runs, that the fault can be injected here; bad input (exit 2) otherwise. */
  static resolve(workload: Workload): BrokerRestart | undefined {
    const fault = workload.faults.find((spec) => spec.kind === 'broker-restart');
    if (fault === undefined) return undefined;
    const refuse = (why: string): StampedeError => new StampedeError('E_OPTION', `--fault ${fault.kind}: ${why}`);
    if (workload.hosts !== undefined || workload.instances !== undefined || workload.instanceId !== undefined) throw refuse('runs on this host only, not with --hosts or --instances');
    if (workload.client === 'null') throw refuse('needs a broker: use --client native or node-rdkafka');
    const addresses = parseBrokers(workload.brokers);
    const only = addresses[0]!;
    if (addresses.length !== 1 || !kLoopbackHosts.has(only.host)) throw refuse(`restarts only the local broker stampede started, on 127.0.0.1 (got --brokers ${workload.brokers}); on other clusters inject faults with your own tools`);
    const broker = localBrokerProcess(only.port);
    if (broker === undefined) throw refuse(`no broker started by stampede runs on 127.0.0.1:${only.port} (start one with: stampede broker up --port ${only.port})`);
    return new BrokerRestart(broker, fault.atMs, fault.downMs);
  }

  /** Arms the timers, counted from go; `notice` tells the user what was done when it is done. */
  arm(notice: (text: string) => void): void {
    if (this.ended) return;
    armed.add(this);
    const goMs = performance.now();
    const sinceGo = (): number => Math.round(performance.now() - goMs);
    this.timers.push(
      setTimeout(() => {
        let crashed: ReturnType<typeof crashLocalBroker>;
        try {
          crashed = crashLocalBroker(this.broker);
        } catch (err) {
          notice(`fault: could not kill the broker (pid ${this.broker.pid}): ${(err as Error).message}`);
          return;
        }
        const event: BrokerRestartEvent = { kind: 'broker-restart', killedPid: this.broker.pid, killedAtMs: sinceGo() };
        this.events.push(event);
        notice(`fault: broker pid ${this.broker.pid} killed (SIGKILL) ${(event.killedAtMs / 1000).toFixed(1)} s after the start; restart in ${(this.downMs / 1000).toFixed(1)} s`);
        this.pendingRestart = () => {
          this.pendingRestart = undefined;
          try {
            event.restartedPid = crashed.restart();
            event.restartedAtMs = sinceGo();
            notice(`fault: broker restarted (pid ${event.restartedPid}) ${(event.restartedAtMs / 1000).toFixed(1)} s after the start`);
          } catch (err) {
            event.error = (err as Error).message;
            notice(`fault: ${event.error}`);
          }
        };
        this.timers.push(setTimeout(() => this.pendingRestart?.(), this.downMs));
      }, this.atMs),
    );
  }

  /** Ends the fault: a kill still due is not done, and a broker still down is started again now. */
  disarm(): void {
    this.ended = true;
    armed.delete(this);
    for (const timer of this.timers) clearTimeout(timer);
    this.timers = [];
    this.pendingRestart?.();
  }
}
