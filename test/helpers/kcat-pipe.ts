import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface KcatPipe {
  /** the consuming kcat's pid: SIGSTOP/SIGCONT pause the whole pipe (the producer then waits on stdin) */
  consumerPid: number;
  stop(): Promise<void>;
}

/**
 * A stand-in stream processor made of two kcat processes (Debian's, an independent librdkafka
 * client): a group consumer of `from` (group `group`, auto-committing) whose records, each as
 * "key\tvalue", go through `keep` and into a producer of `to`. Keys and values are copied; headers
 * and timestamps are not (kcat's producer stamps its own send time), as a re-encoding processor would.
 */
export function startKcatPipe(options: { bootstrap: string; from: string; to: string; group: string; keep?: (value: string) => boolean }): KcatPipe {
  const consumer = spawn('kcat', ['-b', options.bootstrap, '-G', options.group, '-X', 'auto.offset.reset=earliest', '-X', 'auto.commit.interval.ms=200', '-u', '-q', '-f', '%k\t%s\n', options.from], { stdio: ['ignore', 'pipe', 'pipe'] });
  const producer = spawn('kcat', ['-P', '-b', options.bootstrap, '-t', options.to, '-K', '\t', '-X', 'linger.ms=5'], { stdio: ['pipe', 'ignore', 'pipe'] });
  const lines = createInterface({ input: consumer.stdout! });
  lines.on('line', (line) => {
    const tab = line.indexOf('\t');
    if (options.keep && !options.keep(line.slice(tab + 1))) return;
    producer.stdin!.write(`${line}\n`);
  });
  const ended = (child: ChildProcess): Promise<void> => new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('close', () => resolve())));
  return {
    consumerPid: consumer.pid!,
    stop: async () => {
      consumer.kill('SIGCONT');
      consumer.kill('SIGTERM');
      await ended(consumer);
      producer.stdin!.end();
      await ended(producer);
    },
  };
}

/** The temperature of an iot-json value. */
export const temperatureOf = (value: string): number => Number(/"temperature":(-?[\d.]+)/.exec(value)?.[1] ?? NaN);
