import { runAgent } from '../agent/agent.js';

/**
 * `stampede agent`: started by a coordinator over ssh, never by hand. It speaks the line protocol
 * of src/fleet/protocol.ts on stdin/stdout and exits when stdin ends; the exit is explicit because
 * worker threads or a broker connection must not keep a finished agent alive on a host.
 */
export async function agentCommand(): Promise<number> {
  const code = await runAgent();
  process.exit(code);
}
