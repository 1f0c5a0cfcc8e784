import { redactText } from '../connection/redact.js';
import { resolveConsumeWorkload } from '../options/consume-workload.js';
import { formatCount, formatDurationMs } from '../fmt.js';
import { consumeConsoleOutput, consumeFilesOutput } from '../report/outputs/consume.js';
import { Outputs } from '../report/outputs/output.js';
import { runConsume } from '../run/consume.js';
import { onStopSignals } from './signals.js';

/** `stampede consume`: consumer throughput, lag and poll intervals on an existing topic. Exit codes as `run`'s. */
export async function consumeCommand(argv: Record<string, unknown>): Promise<number> {
  const workload = resolveConsumeWorkload(argv);
  const controller = new AbortController();
  const offStopSignals = onStopSignals({
    stop: (signal) => {
      console.log(`${signal === 'SIGINT' ? 'interrupted' : `stopped (${signal})`}: stopping the consumers (${signal === 'SIGINT' ? 'Ctrl-C again' : 'a second signal'} to quit at once)…`);
      controller.abort();
    },
    restore: () => undefined,
  });
  try {
    const length = workload.records === undefined ? `${formatDurationMs(workload.durationMs)} measured` : `${formatCount(workload.records)} records`;
    console.log(`stampede consume: ${workload.consumers} consumer(s), ${length}, from ${workload.from} ← ${workload.topic} on ${workload.brokers}`);
    const outputs = new Outputs([consumeConsoleOutput(workload), consumeFilesOutput(workload)]);
    const result = await runConsume(workload, { signal: controller.signal, onNotice: (text) => outputs.notice(text), onInterval: (row) => outputs.interval(row) });
    await outputs.stop(result);
    for (const failure of result.failures) console.error(`stampede: ${redactText(failure.message)}`);
    if (result.failures.length > 0) return Math.max(...result.failures.map((failure) => failure.exitCode));
    return { ok: 0, failed: 1, interrupted: 130, 'timed-out': 1, 'integrity-failed': 4 }[result.status];
  } finally {
    offStopSignals();
  }
}
