import { resolveConnection } from '../connection/config.js';
import { AgentLink } from './agent-link.js';
import { awaitHello, measureClock, versionMismatch } from './connect.js';
import type { Hello } from './protocol.js';
import type { ClockOffset } from '../contracts/fleet.js';
import type { Workload } from '../options/workload-shape.js';

const kBrokerCheckTimeoutMs = 15_000;

/** One row of `stampede hosts check`. */
export interface HostCheck {
  host: string;
  ok: boolean;
  hello: Hello | null;
  clock: ClockOffset | null;
  brokers: string;
  /** every problem found, in words for the user */
  problems: string[];
}

/**
 * Per host, everything a run will need, all hosts at once: reachable over ssh, stampede starts and
 * is this version, its runtime and size, its clock offset, and whether it reaches the brokers with
 * the run's connection settings (sent over the ssh channel, never on a command line).
 */
export async function checkHosts(workload: Workload): Promise<HostCheck[]> {
  const connection = resolveConnection({ brokers: workload.brokers, commandConfig: workload.commandConfig, commandProperties: workload.commandProperties });
  const options = { configFile: workload.sshConfig, remoteCommand: workload.remoteCommand, remoteDir: workload.remoteDir ?? process.cwd() };
  return Promise.all(
    workload.hosts!.map(async (host): Promise<HostCheck> => {
      const link = new AgentLink(host, options);
      const row: HostCheck = { host, ok: false, hello: null, clock: null, brokers: '—', problems: [] };
      try {
        row.hello = await awaitHello(link);
        const mismatch = versionMismatch(row.hello, host);
        row.clock = await measureClock(link);
        if (mismatch !== null) {
          // Another stampede is not sent the connection settings (secrets among them): a run refuses it before sending anything too.
          row.problems.push(mismatch);
          row.brokers = 'not checked';
          return row;
        }
        link.send({ type: 'check', connection: { ...connection.settings }, brokers: connection.brokers });
        const checked = await link.waitFor('checked', kBrokerCheckTimeoutMs);
        row.brokers = checked.ok ? `ok (${checked.detail})` : 'fails';
        if (!checked.ok) row.problems.push(checked.detail);
      } catch (err) {
        row.problems.push((err as Error).message);
      } finally {
        await link.close(3_000);
        row.ok = row.problems.length === 0;
      }
      return row;
    }),
  );
}
