import { optionError } from '../errors.js';
import { parseDurationMs } from './duration.js';

/**
 * The fault timeline: `--fault KIND[=TARGET]@WHEN[:HOW_LONG][=AMOUNT]`, repeatable, or a YAML list.
 * broker-restart acts on the single broker of `stampede broker up`; every other kind on a node of
 * `stampede cluster up`, by the pid in that node's pid file.
 */
export type FaultSpec =
  | { kind: 'broker-restart'; atMs: number; downMs: number }
  | { kind: 'kill-node'; node?: number; atMs: number; downMs?: number }
  | { kind: 'kill-leader'; partition?: { topic: string; partition: number }; atMs: number; downMs?: number }
  | { kind: 'kill-controller'; atMs: number; downMs?: number }
  | { kind: 'pause-node'; node?: number; atMs: number; durationMs: number }
  | { kind: 'rolling-restart'; atMs: number }
  | { kind: 'delay-node'; node: number; atMs: number; durationMs: number; delayMs: number }
  | { kind: 'partition-node'; node: number; atMs: number; durationMs: number };

export type FaultKind = FaultSpec['kind'];

/** The one-node fault of `stampede broker up` (kept as its own type: BrokerRestart reads it). */
export type BrokerFault = Extract<FaultSpec, { kind: 'broker-restart' }>;

const kDefaultBrokerDownMs = 5_000;
const kDefaultPauseMs = 5_000;
const kShapes: Record<FaultKind, string> = {
  'broker-restart': 'broker-restart@<when>[:<down time>]',
  'kill-node': 'kill-node[=<node>]@<when>[:<down time>]',
  'kill-leader': 'kill-leader[=<topic>-<partition>]@<when>[:<down time>]',
  'kill-controller': 'kill-controller@<when>[:<down time>]',
  'pause-node': 'pause-node[=<node>]@<when>[:<paused for>]',
  'rolling-restart': 'rolling-restart@<when>',
  'delay-node': 'delay-node=<node>@<when>:<for>=<delay>',
  'partition-node': 'partition-node=<node>@<when>:<for>',
};
const kExample = 'such as kill-leader@10s:15s, kill-node=2@10s:15s, pause-node=3@5s:8s, rolling-restart@10s, delay-node=1@10s:30s=20ms';

/** One spec: "kill-node=2@10s:15s". Errors name the field and show the kind's shape. */
export function parseFaultSpec(field: string, raw: unknown): FaultSpec {
  const text = String(raw).trim();
  const match = /^([a-z-]+)(?:=([^@]+))?@([^:=]+)(?::([^=]+))?(?:=(.+))?$/.exec(text);
  const kind = match?.[1] as FaultKind | undefined;
  if (!match || kind === undefined || !(kind in kShapes)) throw optionError(field, `a fault ${kExample}; kinds: ${Object.keys(kShapes).join(', ')}`, raw);
  const [, , target, when, length, amount] = match;
  const bad = (): never => {
    throw optionError(field, kShapes[kind], raw);
  };
  const atMs = parseDurationMs(field, when, 0);
  const lengthMs = length === undefined ? undefined : parseDurationMs(field, length, 0);
  const node = target === undefined || kind === 'kill-leader' ? undefined : /^[1-9]$/.test(target) ? Number(target) : bad();
  if (amount !== undefined && kind !== 'delay-node') bad();
  switch (kind) {
    case 'broker-restart':
      return target === undefined ? { kind, atMs, downMs: lengthMs ?? kDefaultBrokerDownMs } : bad();
    case 'kill-node':
      return { kind, atMs, ...(node === undefined ? {} : { node }), ...(lengthMs === undefined ? {} : { downMs: lengthMs }) };
    case 'kill-leader': {
      const named = target === undefined ? undefined : /^(.+)-(\d+)$/.exec(target) ?? bad();
      const partition = named ? { topic: named[1]!, partition: Number(named[2]) } : undefined;
      return { kind, atMs, ...(partition ? { partition } : {}), ...(lengthMs === undefined ? {} : { downMs: lengthMs }) };
    }
    case 'kill-controller':
      return target === undefined ? { kind, atMs, ...(lengthMs === undefined ? {} : { downMs: lengthMs }) } : bad();
    case 'pause-node':
      return { kind, atMs, ...(node === undefined ? {} : { node }), durationMs: lengthMs ?? kDefaultPauseMs };
    case 'rolling-restart':
      return target === undefined && lengthMs === undefined ? { kind, atMs } : bad();
    case 'delay-node':
      return node !== undefined && lengthMs !== undefined && amount !== undefined ? { kind, node, atMs, durationMs: lengthMs, delayMs: parseDurationMs(field, amount, 0) } : bad();
    case 'partition-node':
      return node !== undefined && lengthMs !== undefined ? { kind, node, atMs, durationMs: lengthMs } : bad();
  }
}

/** A repeated flag or a YAML list of specs. */
export function parseFaultList(field: string, raw: unknown): FaultSpec[] {
  const items = Array.isArray(raw) ? raw : [raw];
  const faults = items.map((item) => parseFaultSpec(field, item));
  if (faults.some((fault) => fault.kind === 'broker-restart') && faults.length > 1) {
    throw optionError(field, 'broker-restart alone (it restarts the single broker of stampede broker up; several faults need stampede cluster up)', items.join(' '));
  }
  return faults;
}
