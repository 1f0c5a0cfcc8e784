import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { redactText } from '../connection/redact.js';
import { quoteLine, readAgentLine } from './agent-messages.js';
import { LineBuffer } from './line-buffer.js';
import { toLine, type FromAgent, type ToAgent } from './protocol.js';
import { lastErrorLine, remoteInvocation, sshArgs, type SshOptions } from './ssh.js';

const kStderrKeepChars = 8_000;
/**
 * The longest line an agent may send: its largest, an interval line, holds two histograms (at most
 * ~280 KB each) and a count per worker, well under this. Past it without a newline the host fails.
 */
export const kMaxAgentLineChars = 4 * 2 ** 20;

/**
 * One agent on one host, seen from the coordinator: an ssh child whose stdin/stdout carry the
 * protocol's lines. Messages are delivered to `onMessage`; `waitFor` resolves on the next message
 * of a type. The ssh process runs in its own process group, so a Ctrl-C at the terminal reaches
 * the coordinator only, which then stops every agent in order (a killed ssh would end its agent
 * without its final line).
 */
export class AgentLink {
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  onMessage: (message: FromAgent, lineBytes: number) => void = () => {};
  private readonly child: ChildProcessWithoutNullStreams;
  private stderrText = '';
  private readonly lines = new LineBuffer(kMaxAgentLineChars);
  /** set when the agent broke the protocol: the link is ended and nothing more it sends is read */
  protocolError: string | undefined;
  private waiters: { type: FromAgent['type']; resolve: (message: FromAgent) => void; reject: (err: Error) => void }[] = [];
  /** the agent's own error line, if it sent one: the best reason there is */
  agentError: string | undefined;
  private exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  /** bytes of protocol lines received, for the overhead figures */
  bytesReceived = 0;
  linesReceived = 0;

  constructor(
    readonly host: string,
    options: SshOptions,
    subcommand: readonly string[] = ['agent'],
  ) {
    this.child = spawn('ssh', sshArgs(host, options, remoteInvocation(options, subcommand)), { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    this.child.stdin.on('error', () => {}); // EPIPE after the agent left: its exit says why
    this.child.stdout.setEncoding('utf8');
    this.child.stdout.on('data', (chunk: string) => this.receive(chunk));
    this.child.stderr.setEncoding('utf8');
    this.child.stderr.on('data', (chunk: string) => {
      this.stderrText = (this.stderrText + chunk).slice(-kStderrKeepChars);
    });
    this.exited = new Promise((resolve) => {
      this.child.on('error', (err) => {
        this.stderrText += `\nssh could not start: ${err.message}`;
        this.exitInfo = { code: 255, signal: null };
        resolve(this.exitInfo);
      });
      this.child.on('close', (code, signal) => {
        this.exitInfo = { code, signal };
        resolve(this.exitInfo);
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get hasExited(): boolean {
    return this.exitInfo !== undefined;
  }

  /** Why the link ended, in one line: ssh's or the agent's last stderr line, or the exit status. */
  get failureReason(): string {
    if (this.protocolError !== undefined) return this.protocolError;
    if (this.agentError !== undefined) return this.agentError;
    const line = redactText(lastErrorLine(this.stderrText));
    if (line) return line.replace(/^stampede: /, '');
    if (this.exitInfo) return this.exitInfo.signal ? `ssh ended by ${this.exitInfo.signal}` : `ssh exited ${this.exitInfo.code}`;
    return 'no answer';
  }

  send(message: ToAgent): void {
    if (this.hasExited || this.child.stdin.destroyed) return;
    this.child.stdin.write(toLine(message));
  }

  /** The next message of `type`; rejects when the link ends first or timeoutMs passes. */
  waitFor<T extends FromAgent['type']>(type: T, timeoutMs: number): Promise<Extract<FromAgent, { type: T }>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((waiter) => waiter !== entry);
        reject(new Error(`no ${type} within ${Math.round(timeoutMs / 1000)} s`));
      }, timeoutMs);
      const entry = {
        type,
        resolve: (message: FromAgent) => {
          clearTimeout(timer);
          resolve(message as Extract<FromAgent, { type: T }>);
        },
        reject: (err: Error) => {
          clearTimeout(timer);
          reject(err);
        },
      };
      this.waiters.push(entry);
      void this.exited.then(() => {
        // Let the stdout data still in flight be delivered first.
        setImmediate(() => {
          if (!this.waiters.includes(entry)) return;
          this.waiters = this.waiters.filter((waiter) => waiter !== entry);
          clearTimeout(timer);
          reject(new Error(this.failureReason));
        });
      });
    });
  }

  /** Ends the agent's stdin: it stops, and exits; after graceMs the ssh process is killed by pid. */
  async close(graceMs = 10_000): Promise<void> {
    if (!this.child.stdin.destroyed) this.child.stdin.end();
    if (this.hasExited) return;
    const timer = setTimeout(() => this.kill(), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** The ssh process (its own group) at once; its remote agent sees the channel close and exits. */
  kill(): void {
    if (this.hasExited || this.child.pid === undefined) return;
    try {
      process.kill(-this.child.pid, 'SIGTERM');
    } catch {
      this.child.kill('SIGTERM');
    }
  }

  /**
   * Ends the link because the agent broke the protocol: `reason` becomes the host's failure, every
   * waiter is rejected with it, and the ssh process is ended; the run goes on with the other hosts.
   */
  fail(reason: string): void {
    if (this.protocolError !== undefined) return;
    this.protocolError = reason;
    const pending = this.waiters;
    this.waiters = [];
    for (const waiter of pending) waiter.reject(new Error(reason));
    this.kill();
  }

  private receive(chunk: string): void {
    if (this.protocolError !== undefined) return;
    const { lines, overflowChars } = this.lines.push(chunk);
    for (const line of lines) {
      if (this.protocolError !== undefined) return;
      this.receiveLine(line);
    }
    if (overflowChars !== undefined) this.fail(`sent ${overflowChars} characters without a newline (a protocol line is at most ${kMaxAgentLineChars})`);
  }

  private receiveLine(line: string): void {
    this.bytesReceived += line.length + 1;
    const read = readAgentLine(line);
    if ('ignored' in read) return;
    if ('problem' in read) {
      this.fail(`sent ${read.problem}`);
      return;
    }
    const { message } = read;
    this.linesReceived++;
    if (message.type === 'error') {
      this.agentError = redactText(message.message);
      const pending = this.waiters;
      this.waiters = [];
      for (const waiter of pending) if (waiter.type !== 'error') waiter.reject(new Error(this.agentError));
    }
    const waiter = this.waiters.find((entry) => entry.type === message.type);
    if (waiter) {
      this.waiters = this.waiters.filter((entry) => entry !== waiter);
      waiter.resolve(message);
    }
    try {
      this.onMessage(message, line.length + 1);
    } catch (err) {
      // A line of the right shape whose content cannot be used (a broken histogram): this host fails, not the coordinator.
      this.fail(`sent a ${message.type} message that cannot be used (${(err as Error).message}): ${quoteLine(line)}`);
    }
  }
}
