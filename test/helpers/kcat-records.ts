import { spawn } from 'node:child_process';

/** A record as kcat (an independent librdkafka client) reads it, with what a processor must keep. */
export interface TracedRecord {
  partition: number;
  key: string;
  /** Kafka record timestamp, ms since the epoch */
  timestampMs: number;
  /** kcat's %h: "name=value" pairs joined by "," ("" when the record has none) */
  headers: string;
  value: string;
}

/**
 * Reads a whole topic of single-line text values (JSON) with partition, key, timestamp and headers.
 * Fields are tab-separated, so keys and values must hold no tab or newline: true of stampede's
 * decimal keys and iot-json values. Reads committed records only (librdkafka's default isolation).
 */
export function readTracedRecords(bootstrap: string, topic: string, timeoutMs = 60_000): Promise<TracedRecord[]> {
  const args = ['-C', '-b', bootstrap, '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%p\t%k\t%T\t%h\t%s\n'];
  return new Promise((resolve, reject) => {
    const child = spawn('kcat', args);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`kcat did not finish reading ${topic} within ${timeoutMs} ms`));
    }, timeoutMs);
    child.on('error', (err) => reject(new Error(`kcat could not run (${err.message}); make install puts it in place`)));
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`kcat exited ${code} reading ${topic}: ${stderr.trim()}`));
      resolve(stdout.split('\n').filter(Boolean).map(parseLine));
    });
  });
}

function parseLine(line: string): TracedRecord {
  const [partition, key, timestamp, headers, ...rest] = line.split('\t');
  if (rest.length === 0) throw new Error(`kcat line has too few fields: ${line.slice(0, 200)}`);
  return { partition: Number(partition), key: key!, timestampMs: Number(timestamp), headers: headers!, value: rest.join('\t') };
}

/** Polls the topic until it holds at least `count` records (or the time is up), then returns them. */
export async function waitForRecords(bootstrap: string, topic: string, count: number, timeoutMs = 90_000): Promise<TracedRecord[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const records = await readTracedRecords(bootstrap, topic);
    if (records.length >= count) return records;
    if (Date.now() > deadline) throw new Error(`${topic} holds ${records.length} records after ${timeoutMs} ms, expected ${count}`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

/** Produces text lines as records with kcat: one per line, "key<TAB>value", the given headers on each. */
export function produceWithKcat(bootstrap: string, topic: string, lines: string[], options: { partition?: number; headers?: Record<string, string> } = {}): Promise<void> {
  const headerArgs = Object.entries(options.headers ?? {}).flatMap(([name, value]) => ['-H', `${name}=${value}`]);
  const partitionArgs = options.partition === undefined ? [] : ['-p', String(options.partition)];
  const args = ['-P', '-b', bootstrap, '-t', topic, '-K', '\t', '-q', ...partitionArgs, ...headerArgs];
  return new Promise((resolve, reject) => {
    const child = spawn('kcat', args, { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', (err) => reject(new Error(`kcat could not run (${err.message})`)));
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`kcat -P exited ${code} writing ${topic}: ${stderr.trim()}`))));
    child.stdin.end(lines.map((line) => `${line}\n`).join(''));
  });
}
