import { spawn } from 'node:child_process';
import { decodeTraceHeader, kTraceHeaderName, type RecordTrace } from '../../src/records/trace.js';

/** A record as kcat prints it: its timestamp and its stampede.trace header. */
export interface KcatTracedRecord {
  /** kcat's %T: the record's timestamp, ms */
  timestampMs: number;
  /** the header's raw bytes as kcat printed them; null when the record has no such header */
  traceBytes: Buffer | null;
  trace: RecordTrace | null;
}

/**
 * Reads a whole topic with kcat (Debian's, a librdkafka consumer we did not write) in its JSON
 * envelope mode (-J): each record's timestamp and headers. kcat writes header values into the JSON
 * string byte for byte, escaping only control characters, quotes and backslashes (its %h format
 * would cut a value at its first NUL byte), so the raw bytes are read back here unescaped.
 */
export function readTracesWithKcat(bootstrap: string, topic: string, timeoutMs = 60_000): Promise<KcatTracedRecord[]> {
  return new Promise((resolve, reject) => {
    const child = spawn('kcat', ['-C', '-b', bootstrap, '-t', topic, '-o', 'beginning', '-e', '-q', '-J']);
    const chunks: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`kcat did not finish within ${timeoutMs} ms`));
    }, timeoutMs);
    child.on('error', (err) => reject(new Error(`kcat could not run (${err.message})`)));
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`kcat exited ${code}: ${stderr.trim()}`));
      try {
        resolve(parseEnvelopes(Buffer.concat(chunks)));
      } catch (err) {
        reject(err);
      }
    });
  });
}

function parseEnvelopes(output: Buffer): KcatTracedRecord[] {
  const records: KcatTracedRecord[] = [];
  const headerAt = Buffer.from(`"headers":["${kTraceHeaderName}","`);
  let at = 0;
  while (at < output.length) {
    let end = output.indexOf(0x0a, at); // control characters inside strings are escaped: a raw newline ends the record
    if (end < 0) end = output.length;
    const line = output.subarray(at, end);
    at = end + 1;
    if (line.length === 0) continue;
    const ts = /"ts":(-?\d+)/.exec(line.toString('latin1'));
    if (!ts) throw new Error(`kcat envelope without "ts": ${line.toString('latin1').slice(0, 200)}`);
    const header = line.indexOf(headerAt);
    const traceBytes = header < 0 ? null : unescapeJsonBytes(line, header + headerAt.length);
    records.push({ timestampMs: Number(ts[1]), traceBytes, trace: traceBytes ? decodeTraceHeader(traceBytes) : null });
  }
  return records;
}

/** The raw bytes of a JSON string starting at `from` (just past its opening quote). */
function unescapeJsonBytes(line: Buffer, from: number): Buffer {
  const bytes: number[] = [];
  const escapes: Record<string, number> = { '"': 0x22, '\\': 0x5c, '/': 0x2f, b: 0x08, f: 0x0c, n: 0x0a, r: 0x0d, t: 0x09 };
  for (let i = from; i < line.length; i++) {
    const byte = line[i]!;
    if (byte === 0x22) return Buffer.from(bytes);
    if (byte !== 0x5c) {
      bytes.push(byte);
      continue;
    }
    const kind = String.fromCharCode(line[++i]!);
    if (kind === 'u') {
      bytes.push(parseInt(line.toString('latin1', i + 1, i + 5), 16));
      i += 4;
    } else bytes.push(escapes[kind]!);
  }
  throw new Error('unterminated JSON string in kcat output');
}
