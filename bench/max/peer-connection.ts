import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatProperties } from '../../src/connection/properties.js';
import { StampedeError } from '../../src/errors.js';

/**
 * How bench-max's child processes (stampede runs, rdkafka_performance) get the run's connection
 * settings: in files only this user can read, never as arguments. A command line is readable by
 * every local user (ps, /proc/PID/cmdline), and the settings hold passwords and keys.
 */
export interface PeerConnection {
  /** arguments of every child `stampede run`: --command-config FILE */
  stampedeArgs: string[];
  /** arguments of every rdkafka_performance run: -X file=FILE */
  rdkafkaArgs: string[];
}

/** The connection flags bench-max was given, as the user typed them. */
export interface ConnectionFlags {
  commandConfig: string | undefined;
  commandProperties: readonly string[];
}

/**
 * `settings`: the resolved connection (resolveConnection), bootstrap.servers included. Without
 * --command-config or --command-property the children need nothing (each gets --brokers itself).
 */
export function peerConnection(flags: ConnectionFlags, settings: Readonly<Record<string, string>>): PeerConnection {
  if (flags.commandConfig === undefined && flags.commandProperties.length === 0) return { stampedeArgs: [], rdkafkaArgs: [] };
  const dir = mkdtempSync(join(privateDir(), 'connection-'));
  const { 'bootstrap.servers': _bootstrap, ...connection } = settings;
  // The resolved settings, not the user's file: --command-property values must reach the runs too,
  // and translated settings (sasl.jaas.config → sasl.*) read back as themselves.
  const stampedeFile = writePrivate(join(dir, 'stampede.properties'), formatProperties(connection));
  const rdkafkaFile = writePrivate(join(dir, 'rdkafka_performance.conf'), rdkafkaConf(connection, dir));
  return { stampedeArgs: ['--command-config', stampedeFile], rdkafkaArgs: ['-X', `file=${rdkafkaFile}`] };
}

/** librdkafka's inline PEM settings, and the file settings that say the same from a path. */
const kPemLocations: Record<string, string> = { 'ssl.ca.pem': 'ssl.ca.location', 'ssl.certificate.pem': 'ssl.certificate.location', 'ssl.key.pem': 'ssl.key.location' };

/** rdkafka_performance reads `-X file=` with a 512-byte line buffer: a line holds at most this. */
const kRdkafkaLineChars = 510;

/**
 * rdkafka_performance's config file (examples/rdkafka_performance.c, read_conf_file): one
 * `key=value` a line, split at the first '=', no escapes, no empty value. An inline PEM spans lines,
 * so it goes in a file of its own, named by the matching `.location` setting.
 */
function rdkafkaConf(settings: Readonly<Record<string, string>>, dir: string): string {
  const lines: string[] = [];
  for (const [key, value] of Object.entries(settings)) {
    // As before: rdkafka_performance keeps its own client.id.
    if (key === 'client.id') continue;
    const location = kPemLocations[key];
    if (location !== undefined) {
      lines.push(`${location}=${writePrivate(join(dir, `${key}.pem`), value)}`);
      continue;
    }
    const line = `${key}=${value}`;
    if (value === '' || /[\r\n]/.test(value) || line.length > kRdkafkaLineChars) {
      throw new StampedeError('E_OPTION', `bench-max: connection setting ${key} cannot be given to rdkafka_performance (its config file takes one non-empty key=value line of up to ${kRdkafkaLineChars} characters)`);
    }
    lines.push(line);
  }
  return lines.map((line) => `${line}\n`).join('');
}

function writePrivate(path: string, text: string): string {
  // 'wx': never write through a file (or link) someone else put there first.
  writeFileSync(path, text, { mode: 0o600, flag: 'wx' });
  return path;
}

let dirOfThisProcess: string | undefined;

/**
 * A folder only this user can enter (mkdtemp makes it 0700), removed when the process exits, also
 * on Ctrl-C or SIGTERM when nothing else handles them (the process then ends as it would have).
 */
function privateDir(): string {
  if (dirOfThisProcess !== undefined) return dirOfThisProcess;
  const dir = mkdtempSync(join(tmpdir(), 'stampede-bench-connection-'));
  dirOfThisProcess = dir;
  const remove = (): void => rmSync(dir, { recursive: true, force: true });
  process.once('exit', remove);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      // A run that handles the signal itself (a graceful stop) still reads the files: keep them.
      if (process.listenerCount(signal) > 0) return;
      remove();
      process.kill(process.pid, signal);
    });
  }
  return dir;
}
