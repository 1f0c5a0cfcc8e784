import type { Argv } from 'yargs';
import { join } from 'node:path';
import { redactText } from '../connection/redact.js';
import { CONSUME_OPTION_SPECS, resolveConsumeWorkload } from '../options/consume-schema.js';
import type { OptionSpec } from '../options/schema.js';
import { consumeLiveLine, renderConsumeSummary } from '../report/consume.js';
import { formatCount, formatDurationMs } from '../fmt.js';
import { writeJson } from '../report/json.js';
import { writeConsumeReports } from '../report/consume-files.js';
import { runConsume } from '../run/consume.js';

export function addConsumeFlags<T>(yargs: Argv<T>): Argv<T> {
  let built = yargs;
  for (const spec of CONSUME_OPTION_SPECS as readonly OptionSpec[]) {
    const shown = spec.default === undefined || (Array.isArray(spec.default) && spec.default.length === 0) ? '' : ` [default: ${String(spec.default)}]`;
    built = built.option(spec.name, { type: 'string', array: spec.kind.type === 'props', requiresArg: true, describe: `${spec.describe}${shown}` });
  }
  return built;
}

/** `stampede consume`: consumer throughput, lag and poll intervals on an existing topic. Exit codes as `run`'s. */
export async function consumeCommand(argv: Record<string, unknown>): Promise<number> {
  const workload = resolveConsumeWorkload(argv);
  const controller = new AbortController();
  const onSigint = (): void => {
    if (controller.signal.aborted) process.exit(130);
    console.log('interrupted: stopping the consumers (Ctrl-C again to quit at once)…');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  try {
    const length = workload.records === undefined ? `${formatDurationMs(workload.durationMs)} measured` : `${formatCount(workload.records)} records`;
    console.log(`stampede consume: ${workload.consumers} consumer(s), ${length}, from ${workload.from} ← ${workload.topic} on ${workload.brokers}`);
    const result = await runConsume(workload, {
      signal: controller.signal,
      onNotice: (text) => console.log(`note: ${redactText(text)}`),
      onInterval: (row) => console.log(consumeLiveLine(row, workload.records)),
    });
    console.log(renderConsumeSummary(result));
    const out = workload.out ?? join('results', `consume-${result.startedAt.replace(/[:.]/g, '-')}.json`);
    writeJson(out, result);
    console.log(`\nresult: ${out}`);
    for (const line of writeConsumeReports(result, { csv: workload.csv, hgrm: workload.hgrm })) console.log(line);
    for (const failure of result.failures) console.error(`stampede: ${redactText(failure.message)}`);
    if (result.failures.length > 0) return Math.max(...result.failures.map((failure) => failure.exitCode));
    return { ok: 0, failed: 1, interrupted: 130, 'timed-out': 1, 'integrity-failed': 4 }[result.status];
  } finally {
    process.off('SIGINT', onSigint);
  }
}
