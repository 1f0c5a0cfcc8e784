import { redactText } from '../connection/redact.js';
import { kMaxHdrBase64Chars } from '../histogram/hdr-decode.js';
import { any, arrayOf, bool, isPlainObject, nullable, num, object, optional, recordOf, str, type Check } from '../shape.js';
import type { FromAgent } from './protocol.js';

/**
 * Every line an agent sends the coordinator, checked against its message's shape before any of it
 * is used: the coordinator reads many hosts in one process, so one host's broken line must end that
 * host, never the run (an unchecked line reached decodeSnapshot(undefined) and killed the
 * coordinator with a stack, no result written).
 */

/** How much of a bad line an error quotes. */
export const kQuotedLineChars = 200;

const hdrString: Check = (value, path) => {
  if (typeof value !== 'string') return `${path} must be a string`;
  return value.length > kMaxHdrBase64Chars ? `${path} holds ${value.length} characters, more than a histogram encodes to (${kMaxHdrBase64Chars})` : null;
};

const counter = optional(num);
const wireSnapshot = object({
  counters: object({ sent: counter, acked: counter, failed: counter, ackedBytes: counter, backpressureWaits: counter, clampedLatencies: counter, sendMicros: counter, negativeLatencies: counter, negativeSumUs: counter, blockedMicros: counter, done: optional(bool) }),
  hdr: hdrString,
});

const outcome = object({
  ok: bool,
  sent: num,
  code: optional(str),
  message: optional(str),
  exitCode: optional(num),
  settledAtWallUs: optional(num),
  scheduledRecordsPerSec: optional(num),
  faults: optional(object({ errorsByCode: recordOf(num), retries: num })),
  transactions: optional(object({ committed: num, aborted: num, committedRecords: num, abortedRecords: num, abortedRanges: arrayOf(num), commitLatencyCounts: any })),
});

const intervalFields = { seq: num, startUs: num, endUs: num, produced: wireSnapshot, publishDelay: nullable(wireSnapshot), sentPerShard: arrayOf(num) };

const kShapes: Readonly<Record<FromAgent['type'], Check>> = {
  hello: object({
    protocol: num,
    version: str,
    runtime: object({ name: str, version: str }),
    facts: object({ hostname: str, platform: str, release: str, arch: str, cpuModel: str, cpus: num, memoryBytes: num }),
    pid: num,
    platformArch: str,
    buildId: optional(str),
    root: optional(str),
  }),
  pong: object({ t0Us: num, agentUs: num }),
  ready: object({ goWaitingSinceUs: num }),
  started: object({ goAtUs: num }),
  baseline: object({ atUs: num, produced: wireSnapshot }),
  interval: object(intervalFields),
  final: object({ ...intervalFields, outcomes: arrayOf(outcome), cpuMicros: num, maxRssBytes: num }),
  checked: object({ ok: bool, detail: str }),
  error: object({ code: str, message: str, exitCode: num }),
};

export type AgentLine = { message: FromAgent } | { ignored: true } | { problem: string };

/** A line as an error quotes it: cut, and with any secret this process knows removed. */
export const quoteLine = (line: string): string => redactText(line.length > kQuotedLineChars ? `${line.slice(0, kQuotedLineChars)}…` : line);

/**
 * One line from an agent: a message of the protocol, a line to ignore (not JSON at all: a stray
 * print on the remote side, such as npm's notices), or what is wrong with it, quoting it.
 */
export function readAgentLine(line: string): AgentLine {
  const text = line.trim();
  if (!text.startsWith('{')) return { ignored: true };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { problem: `a line that is not JSON (${(err as Error).message.slice(0, 80)}): ${quoteLine(text)}` };
  }
  if (!isPlainObject(value) || typeof value['type'] !== 'string') return { problem: `a line without a message type: ${quoteLine(text)}` };
  const type = value['type'];
  const shape = Object.hasOwn(kShapes, type) ? kShapes[type as FromAgent['type']] : undefined;
  if (shape === undefined) return { problem: `a message of unknown type ${JSON.stringify(type.slice(0, 40))}: ${quoteLine(text)}` };
  const problem = shape(value, type);
  return problem === null ? { message: value as unknown as FromAgent } : { problem: `a malformed ${type} message (${problem}): ${quoteLine(text)}` };
}
