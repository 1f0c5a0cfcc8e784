import { spawn } from 'node:child_process';

export interface ConsumedRecord {
  key: string;
  /** kcat's %K: -1 for a null key, 0 for an empty one */
  keyLength: number;
  value: Buffer;
}

export interface KcatOptions {
  timeoutMs?: number;
  /**
   * librdkafka properties passed as `-X k=v` (security.protocol, sasl.*, ssl.*). Debian's kcat is
   * librdkafka 2.0.2: Kafka 4.x rejects its SCRAM login, so secured reads use PLAIN or mutual TLS.
   */
  properties?: Record<string, string>;
}

/**
 * Reads a whole topic with kcat (Debian's, an independent librdkafka consumer). kcat prints each
 * record as "<key length>\t<key>\t<value length>\t<value>\n", so binary values frame safely.
 */
export function readTopicWithKcat(bootstrap: string, topic: string, options: number | KcatOptions = {}): Promise<ConsumedRecord[]> {
  const { timeoutMs = 120_000, properties = {} } = typeof options === 'number' ? { timeoutMs: options } : options;
  const extra = Object.entries(properties).flatMap(([key, value]) => ['-X', `${key}=${value}`]);
  return new Promise((resolve, reject) => {
    const child = spawn('kcat', ['-C', '-b', bootstrap, '-t', topic, '-o', 'beginning', '-e', '-q', ...extra, '-f', '%K\t%k\t%S\t%s\n']);
    const chunks: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`kcat did not finish within ${timeoutMs} ms`));
    }, timeoutMs);
    child.on('error', (err) => reject(new Error(`kcat could not run (${err.message}); make install puts it in place`)));
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`kcat exited ${code}: ${stderr.trim()}`));
      try {
        resolve(parseFramed(Buffer.concat(chunks)));
      } catch (err) {
        reject(err);
      }
    });
  });
}

function parseFramed(output: Buffer): ConsumedRecord[] {
  const records: ConsumedRecord[] = [];
  let at = 0;
  const readNumberUntilTab = (): number => {
    const tab = output.indexOf(0x09, at);
    if (tab < 0) throw new Error(`kcat output malformed at byte ${at}`);
    const value = Number(output.toString('latin1', at, tab));
    at = tab + 1;
    return value;
  };
  while (at < output.length) {
    const keyLength = readNumberUntilTab();
    const key = output.toString('latin1', at, at + Math.max(keyLength, 0));
    at += Math.max(keyLength, 0) + 1; // the tab after the key
    const valueLength = readNumberUntilTab();
    const value = output.subarray(at, at + Math.max(valueLength, 0));
    at += Math.max(valueLength, 0) + 1; // the newline
    records.push({ key, keyLength, value: Buffer.from(value) });
  }
  return records;
}
