/**
 * How the coordinator reaches a host: the system's OpenSSH client, so whatever the user's
 * ssh_config says (ProxyJump, IdentityFile, ControlMaster, User, Port) applies as it does for them.
 * BatchMode: never prompt (a prompt would hang a run); fail fast instead.
 */
export interface SshOptions {
  /** --ssh-config FILE; undefined = ssh's own default (~/.ssh/config, /etc/ssh/ssh_config) */
  configFile: string | undefined;
  /** the command that starts stampede on the host, e.g. "npx --no-install stampede" */
  remoteCommand: string;
  /** where it runs on the host */
  remoteDir: string;
}

/** ssh gives up connecting after this (the 15 s budget for naming an unreachable host leaves room for the hello). */
export const kSshConnectTimeoutSec = 8;

/** POSIX shell single-quoting: the remote side runs the command through the user's login shell. */
export const shellQuote = (text: string): string => (/^[\w./:=@%+-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`);

/** ssh's arguments to run `remoteShellCommand` on `host`. */
export function sshArgs(host: string, options: Pick<SshOptions, 'configFile'>, remoteShellCommand: string): string[] {
  return [
    ...(options.configFile === undefined ? [] : ['-F', options.configFile]),
    '-T', // no tty: stdin/stdout are our protocol channel; without a tty, EOF on stdin reaches the agent
    '-o', 'BatchMode=yes',
    '-o', `ConnectTimeout=${kSshConnectTimeoutSec}`,
    '-o', 'ServerAliveInterval=5', // a host that vanishes mid-run is noticed in ~15 s, not at TCP's pace
    '-o', 'ServerAliveCountMax=3',
    '-o', 'LogLevel=ERROR', // no "Warning: Permanently added …" lines in the user's output
    host,
    '--',
    remoteShellCommand,
  ];
}

/** `cd DIR && exec COMMAND SUBCOMMAND…`: exec, so the agent is the session's process and gets its stdin's EOF. */
export function remoteInvocation(options: Pick<SshOptions, 'remoteCommand' | 'remoteDir'>, subcommand: readonly string[]): string {
  return `cd ${shellQuote(options.remoteDir)} && exec ${options.remoteCommand} ${subcommand.map(shellQuote).join(' ')}`;
}

/** The last meaningful line of ssh's stderr, for a one-line error ("Permission denied (publickey).", "Connection refused"). */
export function lastErrorLine(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0 && !/^Warning: Permanently added/.test(line) && !/^npm warn/i.test(line));
  // A Node process that crashed ends its stderr with "Node.js v20.x" after the stack: the line that
  // says what went wrong is the error's own ("Error [ERR_MODULE_NOT_FOUND]: Cannot find …").
  if (lines.length > 0 && /^Node\.js v\d/.test(lines[lines.length - 1]!)) {
    const errorLine = [...lines].reverse().find((line) => /^[A-Za-z]*Error( \[\w+\])?: /.test(line));
    return errorLine ?? lines[lines.length - 2] ?? lines[lines.length - 1]!;
  }
  return lines[lines.length - 1] ?? '';
}
