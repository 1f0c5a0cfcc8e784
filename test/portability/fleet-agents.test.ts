import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { computeBuildId } from '../../src/build-id.js';
import { projectRoot } from '../../src/paths.js';
import type { RunResult } from '../../src/contracts/result.js';
import { runCli } from '../helpers/cli.js';
import { agentProcesses, startTestHosts, type TestHosts } from '../helpers/sshd.js';

/** The agent on each runtime, started over ssh as a coordinator on Node starts it (Bun and Deno come from npm). */
const remoteCommands = [
  { runtime: 'bun', command: 'node_modules/.bin/bun bin/stampede.js' },
  { runtime: 'deno', command: 'node_modules/.bin/deno run -A bin/stampede.js' },
];

const dir = mkdtempSync(join(tmpdir(), 'stampede-fleet-runtimes-'));
const agents = suite<{ hosts?: TestHosts }>('fleet agents on Bun and Deno');

agents.before(async (context) => {
  context.hosts = await startTestHosts(2);
});

agents.after(async (context) => {
  await context.hosts?.stop();
});

for (const { runtime, command } of remoteCommands) {
  agents(`${runtime} agents on 2 hosts × 2 threads: exact totals, merged from their lines, and they exit`, async ({ hosts }) => {
    const out = join(dir, `${runtime}.json`);
    const outcome = await runCli(['run', '--client', 'null', '--hosts', hosts!.names.join(','), '--ssh-config', hosts!.sshConfig, '--remote-command', command, '--workers', '2', '--devices', '1001', '--records', '100001', '--out', out]);
    assert.is(outcome.code, 0, outcome.stdout + outcome.stderr);
    const result = JSON.parse(readFileSync(out, 'utf8')) as RunResult;
    assert.is(result.totals.acked, 100_001);
    assert.is(result.latency.produceAck.count, 100_001);
    assert.equal(result.hosts!.map((host) => host.agent.runtime.split(' ')[0]), [runtime, runtime]);
    assert.is(result.hosts!.reduce((sum, host) => sum + host.totals.acked, 0), 100_001);
    const deadline = Date.now() + 5_000;
    while (agentProcesses().length > 0 && Date.now() < deadline) await sleep(100);
    assert.equal(agentProcesses(), []);
  });
}

agents('an installed copy (hosts install) runs on Bun and Deno too, from node_modules/stampede', async ({ hosts }) => {
  const remoteDir = mkdtempSync(join(tmpdir(), 'stampede-remote-runtimes-'));
  try {
    const installed = await runCli(['hosts', 'install', '--hosts', hosts!.names.join(','), '--ssh-config', hosts!.sshConfig, '--remote-dir', remoteDir], { timeoutMs: 90_000 });
    assert.is(installed.code, 0, installed.stdout + installed.stderr);
    const installedRoot = join(remoteDir, 'node_modules', '.stampede', computeBuildId());
    // Deno resolves bare imports from node_modules only when told to (there is no package.json in the remote dir).
    const installedCommands = [
      { runtime: 'bun', command: `${join(projectRoot, 'node_modules', '.bin', 'bun')} node_modules/stampede/bin/stampede.js` },
      { runtime: 'deno', command: `${join(projectRoot, 'node_modules', '.bin', 'deno')} run -A --node-modules-dir=manual node_modules/stampede/bin/stampede.js` },
    ];
    for (const { runtime, command } of installedCommands) {
      const out = join(dir, `installed-${runtime}.json`);
      const outcome = await runCli(['run', '--client', 'null', '--hosts', hosts!.names.join(','), '--ssh-config', hosts!.sshConfig, '--remote-dir', remoteDir, '--remote-command', command, '--workers', '2', '--devices', '101', '--records', '10001', '--out', out]);
      assert.is(outcome.code, 0, outcome.stdout + outcome.stderr);
      const result = JSON.parse(readFileSync(out, 'utf8')) as RunResult;
      assert.is(result.totals.acked, 10_001);
      for (const host of result.hosts!) {
        assert.is(host.agent.runtime.split(' ')[0], runtime);
        assert.is(realpathSync(host.agent.root!), installedRoot, `${runtime} on ${host.name} ran the installed copy`);
        assert.is(host.agent.buildId, computeBuildId());
      }
    }
  } finally {
    rmSync(remoteDir, { recursive: true, force: true });
  }
});

agents.run();
