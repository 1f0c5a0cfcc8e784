import { createInterface } from 'node:readline';
import { resolve } from 'node:path';
import { buildId } from '../build-id.js';
import { withClusterAdmin } from '../clients/admin.js';
import { registerSecrets } from '../connection/redact.js';
import { isUserFacing } from '../errors.js';
import { projectRoot } from '../paths.js';
import { hostFacts, runtimeName, runtimeVersion, wallClockUs } from '../runtime.js';
import { LocalThreads, producerTaskTemplate } from '../sources/local-threads.js';
import { toolVersion } from '../version.js';
import { encodeSnapshot, kProtocolVersion, parseLine, toLine, type CheckRequest, type FromAgent, type RunRequest, type ToAgent } from '../fleet/protocol.js';

const kReadyTimeoutMs = 30_000; // as the coordinator's own barrier
/** interval lines leave this long before the coordinator's tick (at most a quarter interval) */
const kLineLeadMs = 100;

/**
 * `stampede agent`: one host's producers, driven over stdin/stdout by a coordinator (normally
 * through ssh). stdout carries protocol lines only; anything else goes to stderr. The end of stdin
 * means the coordinator is gone (or done): the agent stops producing, sends what it has, and exits,
 * so a dropped ssh session never leaves producers running on a host.
 */
export async function runAgent(): Promise<number> {
  // Library code must not write to the protocol channel.
  console.log = (...args: unknown[]) => console.error(...args);
  const send = (message: FromAgent): Promise<void> => new Promise((resolve) => process.stdout.write(toLine(message), () => resolve()));

  await send({
    type: 'hello',
    protocol: kProtocolVersion,
    version: toolVersion,
    runtime: { name: runtimeName(), version: runtimeVersion() },
    facts: hostFacts(),
    pid: process.pid,
    platformArch: `${process.platform}-${process.arch}`,
    buildId: buildId(),
    root: resolve(projectRoot), // without the trailing slash, as a user writes a directory
  });

  let producers: Producers | undefined;
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    const message = parseLine<ToAgent>(line);
    if (message === null) continue;
    try {
      switch (message.type) {
        case 'ping':
          await send({ type: 'pong', t0Us: message.t0Us, agentUs: wallClockUs() });
          break;
        case 'check':
          await send(await checkBrokers(message));
          break;
        case 'run':
          producers ??= await Producers.start(message, send);
          break;
        case 'go':
          producers?.go();
          break;
        case 'stop':
          producers?.stop();
          break;
      }
    } catch (err) {
      // One line for the coordinator, then leave: an agent that cannot do its part must not linger.
      const message = err instanceof Error ? err.message : String(err);
      await send({ type: 'error', code: isUserFacing(err) ? err.code : 'E_AGENT', message, exitCode: isUserFacing(err) ? err.exitCode : 1 });
      producers?.stop();
      await producers?.done;
      return 1;
    }
  }
  // stdin ended: the coordinator is done with us, or gone. Stop and report what there is.
  if (producers) {
    producers.stop();
    await producers.done;
  }
  return 0;
}

/** This host's producer threads (the same LocalThreads a one-host run uses) and their interval lines. */
class Producers {
  readonly done: Promise<void>;
  private goAtUs = 0;
  private seq = 0;
  private timer: NodeJS.Timeout | undefined;
  private phase: NodeJS.Timeout | undefined;
  private warmup: NodeJS.Timeout | undefined;

  private constructor(
    private readonly source: LocalThreads,
    private readonly request: RunRequest,
    private readonly send: (message: FromAgent) => Promise<void>,
  ) {
    this.done = source.finished.then(async (outcomes) => {
      clearInterval(this.timer);
      clearTimeout(this.phase);
      clearTimeout(this.warmup);
      const usage = process.cpuUsage();
      await send({ ...this.line(), type: 'final', outcomes, cpuMicros: usage.user + usage.system, maxRssBytes: maxRssBytes() });
      await source.close();
    });
  }

  static async start(request: RunRequest, send: (message: FromAgent) => Promise<void>): Promise<Producers> {
    registerSecrets(request.librdkafka);
    const { workload } = request;
    const source = await LocalThreads.start(request.workers, producerTaskTemplate(workload, request.librdkafka), request.inline);
    const producers = new Producers(source, request, send);
    await source.ready(kReadyTimeoutMs);
    await send({ type: 'ready', goWaitingSinceUs: wallClockUs() });
    return producers;
  }

  go(): void {
    if (this.goAtUs !== 0) return;
    this.source.go();
    this.goAtUs = wallClockUs();
    void this.send({ type: 'started', goAtUs: this.goAtUs });
    // The agent stamps its own intervals: the coordinator keeps the latest, whenever it arrives.
    // They are sent a little before the coordinator's own ticks (both count from go), so each
    // merged row reads lines of the interval just ending rather than of the one before.
    const { intervalMs, warmupMs } = this.request.workload;
    const leadMs = Math.min(kLineLeadMs, intervalMs / 4);
    this.phase = setTimeout(() => {
      this.sendInterval();
      this.timer = setInterval(() => this.sendInterval(), intervalMs);
    }, intervalMs - leadMs);
    if (warmupMs > 0) {
      this.warmup = setTimeout(() => void this.send({ type: 'baseline', atUs: wallClockUs(), produced: encodeSnapshot(this.source.snapshot()) }), warmupMs);
    }
  }

  private sendInterval(): void {
    void this.send({ ...this.line(), type: 'interval' });
  }

  stop(): void {
    this.source.stop();
  }

  private line(): Omit<Extract<FromAgent, { type: 'interval' }>, 'type'> {
    return {
      seq: ++this.seq,
      startUs: this.goAtUs,
      endUs: wallClockUs(),
      produced: encodeSnapshot(this.source.snapshot()),
      publishDelay: this.request.workload.rateRecordsPerSec === undefined ? null : encodeSnapshot(this.source.publishDelays()),
      sentPerShard: this.source.sentPerShard(),
    };
  }
}

/** hosts check: can this host reach the brokers with the run's connection settings? */
async function checkBrokers(request: CheckRequest): Promise<FromAgent> {
  registerSecrets(request.connection);
  try {
    const info = await withClusterAdmin({ brokers: request.brokers, settings: request.connection, notices: [] }, (admin) => admin.connect());
    return { type: 'checked', ok: true, detail: `${info.brokers.length} broker(s), answered by ${info.answeredBy}` };
  } catch (err) {
    return { type: 'checked', ok: false, detail: (err as Error).message };
  }
}

/** Peak RSS where the runtime tells it (Node: resourceUsage, KiB), else the current RSS. */
function maxRssBytes(): number {
  const usage = (process as { resourceUsage?: () => { maxRSS: number } }).resourceUsage;
  try {
    if (typeof usage === 'function') return usage().maxRSS * 1024;
  } catch {
    // Deno and Bun may lack it.
  }
  return process.memoryUsage().rss;
}
