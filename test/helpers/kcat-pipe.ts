import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';

export interface KcatPipe {
  /** the consuming kcat's pid: SIGSTOP/SIGCONT pause the pipe */
  consumerPid: number;
  stop(): Promise<void>;
}

const ended = (child: ChildProcess): Promise<number | null> =>
  new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(child.exitCode) : child.once('close', (code) => resolve(code))));

/**
 * A stand-in stream processor made of kcat (Debian's, an independent librdkafka client): a group
 * consumer of `from` (group `group`; kcat commits every 5 s, its librdkafka default) whose records,
 * each as "key\tvalue", go through `keep` and are written to `to` by a `kcat -P` per 50 ms of
 * records (a long-lived kcat producer holds its last few lines until its input ends). Keys and
 * values are copied; headers and timestamps are not (kcat's producer stamps its own send time),
 * as a re-encoding processor would.
 */
export function startKcatPipe(options: { bootstrap: string; from: string; to: string; group: string; keep?: (value: string) => boolean }): KcatPipe {
  const consumer = spawn('kcat', ['-b', options.bootstrap, '-G', options.group, '-X', 'auto.offset.reset=earliest', '-u', '-q', '-f', '%k\t%s\n', options.from], { stdio: ['ignore', 'pipe', 'ignore'] });
  let pending: string[] = [];
  createInterface({ input: consumer.stdout! }).on('line', (line) => {
    if (options.keep && !options.keep(line.slice(line.indexOf('\t') + 1))) return;
    pending.push(line);
  });
  let stopping = false;
  const produce = async (lines: string[]): Promise<void> => {
    const producer = spawn('kcat', ['-P', '-b', options.bootstrap, '-t', options.to, '-K', '\t'], { stdio: ['pipe', 'ignore', 'inherit'] });
    producer.stdin!.end(`${lines.join('\n')}\n`);
    const code = await ended(producer);
    if (code !== 0) throw new Error(`kcat -P to ${options.to} exited ${code}`);
  };
  // One producer at a time, in order: each partition's records stay in order.
  const forwarding = (async () => {
    while (!stopping || pending.length > 0) {
      if (pending.length === 0) {
        await sleep(50);
        continue;
      }
      const lines = pending;
      pending = [];
      await produce(lines);
    }
  })();
  return {
    consumerPid: consumer.pid!,
    stop: async () => {
      consumer.kill('SIGCONT');
      consumer.kill('SIGTERM');
      await ended(consumer);
      stopping = true;
      await forwarding;
    },
  };
}

/** The temperature of an iot-json value. */
export const temperatureOf = (value: string): number => Number(/"temperature":(-?[\d.]+)/.exec(value)?.[1] ?? NaN);
