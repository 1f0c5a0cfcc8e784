import { buildId } from '../build-id.js';
import { redactText } from '../connection/redact.js';
import { StampedeError } from '../errors.js';
import { checkHosts, type HostCheck } from '../fleet/check.js';
import type { Hello } from '../fleet/protocol.js';
import { installOnHosts } from '../fleet/install.js';
import { readWorkloadFile, resolveWorkload } from '../options/workload.js';
import { formatBytes, renderTable } from '../fmt.js';
import { flagValues } from './flags.js';

/** `stampede hosts check|install`: one table, exit 2 naming every host that fails. */
export async function hostsCommand(action: string, argv: Record<string, unknown>): Promise<number> {
  const workloadFile = typeof argv['workload'] === 'string' ? argv['workload'] : undefined;
  const workload = resolveWorkload(workloadFile === undefined ? {} : readWorkloadFile(workloadFile), flagValues(argv, 'hosts'), workloadFile);
  if (workload.hosts === undefined) throw new StampedeError('E_OPTION', `hosts ${action} needs --hosts a,b,c (Host names of the ssh config)`);
  if (action === 'install') {
    const outcomes = await installOnHosts(workload.hosts, { configFile: workload.sshConfig, remoteCommand: workload.remoteCommand, remoteDir: workload.remoteDir ?? process.cwd() });
    const mark = { installed: '✓', refused: '✗ refused', failed: '✗ failed', 'not copied': '— not copied' } as const;
    console.log(
      renderTable(
        ['host', 'platform', 'install', 'build', 'runs from'],
        outcomes.map((outcome) => [outcome.host, outcome.platform ?? '—', mark[outcome.state], outcome.buildId ?? '—', outcome.root ?? '—']),
      ),
    );
    for (const outcome of outcomes) if (outcome.error !== null) console.error(`stampede: ${outcome.error}`);
    return outcomes.every((outcome) => outcome.state === 'installed') ? 0 : 2;
  }
  const rows = await checkHosts(workload);
  console.log(renderTable(['host', 'reachable', 'stampede', 'build', 'runtime', 'cores', 'memory', 'clock offset (ms)', `brokers ${workload.brokers}`], rows.map(hostCheckCells)));
  const failed = rows.filter((row) => !row.ok);
  for (const row of failed) console.error(`stampede: host ${row.host}: ${redactText(row.problems.join('; '))}`);
  return failed.length > 0 ? 2 : 0;
}

/**
 * One row of the hosts check table. The hello may come from another stampede version (the check
 * exists to say so), whose hello need not carry runtime or facts: what it lacks is a dash.
 */
export function hostCheckCells(row: HostCheck): string[] {
  const hello = row.hello as (Omit<Hello, 'runtime' | 'facts'> & Partial<Pick<Hello, 'runtime' | 'facts'>>) | null;
  return [
    row.host,
    hello ? '✓' : '✗',
    hello?.version ?? '—',
    hello ? `${hello.buildId ?? '?'}${hello.buildId === buildId() ? '' : ' (≠ here)'}` : '—',
    hello?.runtime ? `${hello.runtime.name} ${hello.runtime.version}` : '—',
    typeof hello?.facts?.cpus === 'number' ? String(hello.facts.cpus) : '—',
    typeof hello?.facts?.memoryBytes === 'number' ? formatBytes(hello.facts.memoryBytes) : '—',
    row.clock ? `${(row.clock.offsetUs / 1000).toFixed(3)} ± ${(row.clock.uncertaintyUs / 1000).toFixed(3)}` : '—',
    row.brokers,
  ];
}
