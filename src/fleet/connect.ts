import { buildId } from '../build-id.js';
import { StampedeError } from '../errors.js';
import { wallClockUs } from '../runtime.js';
import { toolVersion } from '../version.js';
import { AgentLink } from './agent-link.js';
import { estimateOffset, type ClockSample } from './clock.js';
import { kProtocolVersion, type Hello } from './protocol.js';
import type { SshOptions } from './ssh.js';
import type { ClockOffset } from '../contracts/fleet.js';

/** An unreachable host or a failed login is named within 15 s (the bound the README promises): ssh's ConnectTimeout plus the agent's start. */
export const kHelloTimeoutMs = 14_000;
const kClockRoundTrips = 16;
const kPongTimeoutMs = 5_000;

export interface ConnectedHost {
  name: string;
  link: AgentLink;
  hello: Hello;
  clock: ClockOffset;
}

/**
 * Starts one agent per host over ssh, all at once, and checks each before anything is sent to it:
 * it answered (reachable, logged in, stampede ran), its stampede and protocol versions are ours;
 * then measures its clock offset. Any host failing fails the whole step: every agent already
 * started is stopped, and one error names every failing host.
 */
export async function connectHosts(names: readonly string[], options: SshOptions, subcommand: readonly string[] = ['agent']): Promise<ConnectedHost[]> {
  const links = names.map((name) => new AgentLink(name, options, subcommand));
  const outcomes = await Promise.allSettled(links.map((link) => greet(link)));
  const failures = outcomes.flatMap((outcome, i) => (outcome.status === 'rejected' ? [`${names[i]}: ${(outcome.reason as Error).message}`] : []));
  if (failures.length > 0) {
    await Promise.all(links.map((link) => link.close(2_000)));
    throw new StampedeError('E_HOST', `${failures.length === 1 ? 'host' : 'hosts'} ${failures.join('; ')}`);
  }
  return outcomes.map((outcome) => (outcome as PromiseFulfilledResult<ConnectedHost>).value);
}

/** The agent's hello, or why there is none, in words for the user. */
export async function awaitHello(link: AgentLink): Promise<Hello> {
  try {
    return await link.waitFor('hello', kHelloTimeoutMs);
  } catch (err) {
    link.kill();
    throw new Error(describeUnreachable((err as Error).message));
  }
}

/** null when the agent runs this very stampede; else what differs and how to fix it. */
export function versionMismatch(hello: Hello, host: string): string | null {
  if (hello.version === toolVersion && hello.protocol === kProtocolVersion) return null;
  return (
    `runs stampede ${hello.version} (agent protocol ${hello.protocol}), this coordinator is ${toolVersion} (protocol ${kProtocolVersion}); ` +
    `install this build there with: stampede hosts install --hosts ${host}`
  );
}

/**
 * Same version, other bytes (a checkout built on each host, or an older install): allowed, since a
 * native addon built on two machines never hashes the same, but said, because "every agent runs the
 * same bytes" is what `hosts install` is for.
 */
export function buildDiffers(host: string, agentBuildId: string | undefined): string {
  return `host ${host} runs stampede ${toolVersion} build ${agentBuildId ?? '(unknown)'}, this coordinator build ${buildId()}: stampede hosts install --hosts ${host} makes them the same`;
}

async function greet(link: AgentLink): Promise<ConnectedHost> {
  const hello = await awaitHello(link);
  const mismatch = versionMismatch(hello, link.host);
  if (mismatch !== null) throw new Error(mismatch);
  return { name: link.host, link, hello, clock: await measureClock(link) };
}

/** Best of N round trips, one at a time (overlapping pings would queue behind each other and widen every bound). */
export async function measureClock(link: AgentLink, roundTrips = kClockRoundTrips): Promise<ClockOffset> {
  const samples: ClockSample[] = [];
  for (let i = 0; i < roundTrips; i++) {
    const t0Us = wallClockUs();
    link.send({ type: 'ping', t0Us });
    const pong = await link.waitFor('pong', kPongTimeoutMs);
    samples.push({ t0Us: pong.t0Us, agentUs: pong.agentUs, t3Us: wallClockUs() });
  }
  return estimateOffset(samples);
}

/** ssh's own words, with what they usually mean. */
export function describeUnreachable(reason: string): string {
  if (/Permission denied/i.test(reason)) return `ssh login failed (${reason}); check IdentityFile/User in the ssh config`;
  if (/Could not resolve hostname|Name or service not known/i.test(reason)) return `not a known host (${reason}); name a Host of the ssh config`;
  if (/Connection refused|timed out|No route to host|Network is unreachable/i.test(reason)) return `unreachable (${reason})`;
  if (/command not found|not found|No such file/i.test(reason)) return `stampede did not start there (${reason}); set --remote-command/--remote-dir or run stampede hosts install`;
  if (/^no hello/.test(reason)) return `no answer from stampede agent within ${kHelloTimeoutMs / 1000} s`;
  return reason;
}
