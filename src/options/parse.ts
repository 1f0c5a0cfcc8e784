import { optionError } from '../errors.js';
import type { OptionKind } from './schema.js';
import { parseThresholdList } from './thresholds.js';
import { parseStageList, parseStringList } from './stages.js';
import { parseStages, parseSteps } from './schedule.js';
import { parseFaultList } from './faults.js';

export { kLongestDurationMs, describeDurationMs, parseDurationMs } from './duration.js';
import { parseDurationMs } from './duration.js';

export function parseInteger(field: string, raw: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const text = String(raw).trim().replace(/_/g, '');
  if (!/^-?\d+$/.test(text)) throw optionError(field, `an integer from ${min} to ${max}`, raw);
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw optionError(field, min === 1 && max === Number.MAX_SAFE_INTEGER ? 'a positive integer' : `an integer from ${min} to ${max}`, raw);
  }
  return value;
}

/** Records/s, or undefined for "max". */
export function parseRate(field: string, raw: unknown): number | undefined {
  if (String(raw).trim().toLowerCase() === 'max') return undefined;
  try {
    return parseInteger(field, raw, 1);
  } catch {
    throw optionError(field, 'a positive number of records/s or "max"', raw);
  }
}

/** librdkafka property overrides: each "key=value"; later entries win. */
export function parseProps(field: string, raw: unknown): Record<string, string> {
  const entries = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  const props: Record<string, string> = {};
  for (const entry of entries) {
    if (entry !== null && typeof entry === 'object') {
      // A YAML mapping is accepted as well as a list of k=v strings.
      for (const [key, value] of Object.entries(entry as Record<string, unknown>)) props[key] = String(value);
      continue;
    }
    const text = String(entry);
    const eq = text.indexOf('=');
    if (eq <= 0) throw optionError(field, 'key=value pairs such as linger.ms=50', entry);
    props[text.slice(0, eq).trim()] = text.slice(eq + 1).trim();
  }
  return props;
}

export function parseEnum(field: string, raw: unknown, values: readonly string[]): string {
  const text = String(raw).trim();
  if (!values.includes(text)) throw optionError(field, `one of ${values.join(', ')}`, raw);
  return text;
}

export function parseString(field: string, raw: unknown): string {
  if (typeof raw !== 'string' && typeof raw !== 'number') throw optionError(field, 'a string', raw);
  const text = String(raw).trim();
  if (text === '') throw optionError(field, 'a non-empty string', raw);
  return text;
}

/** --stall: each producer pauses once, on purpose (the fault the user injects; an outage the run observed is contracts/verdicts.ts AckOutage). */
export interface ProducerPause {
  stallMs: number;
  afterMs: number;
}

/** "500ms@2s": pause 500 ms, once, 2 s after producers start. */
export function parseStall(field: string, raw: unknown): ProducerPause {
  const [pause, at, ...rest] = String(raw).split('@');
  if (pause === undefined || at === undefined || rest.length > 0) throw optionError(field, 'a pause and when, such as 500ms@2s', raw);
  return { stallMs: parseDurationMs(field, pause, 1), afterMs: parseDurationMs(field, at, 0) };
}

/** A fault stampede injects itself into the local broker it started (src/faults/broker-restart.ts). */
export type { BrokerFault } from './faults.js';

export function parseBool(field: string, raw: unknown): boolean {
  const text = String(raw).trim().toLowerCase();
  if (['true', 'on', 'yes', '1', ''].includes(text)) return true;
  if (['false', 'off', 'no', '0'].includes(text)) return false;
  throw optionError(field, 'true or false', raw);
}

/**
 * An ssh host as ssh_config names one: an alias or DNS name, an IPv4 or IPv6 address, with an
 * optional user@. Nothing else, because ssh puts it into %h of ProxyCommand and Match exec, which a
 * shell runs (OpenSSH checks much the same since 9.6), and a leading '-' would be one of ssh's options.
 */
const kSshHostName = /^(?:[A-Za-z0-9_][A-Za-z0-9._-]*@)?(?:[A-Za-z0-9_][A-Za-z0-9._-]*|[0-9A-Fa-f]*:[0-9A-Fa-f:.]*)$/;

/** "a,b,c" or a YAML list of names: distinct, non-empty, each an ssh host name (kSshHostName). */
export function parseList(field: string, raw: unknown): string[] {
  const items = (Array.isArray(raw) ? raw.map(String) : String(raw).split(',')).map((item) => item.trim());
  if (items.length === 0 || items.some((item) => item === '')) {
    throw optionError(field, 'a comma-separated list of names such as loadgen-1,loadgen-2', raw);
  }
  const notHostName = items.find((item) => item.length > 255 || !kSshHostName.test(item));
  if (notHostName !== undefined) {
    throw optionError(field, `ssh host names such as loadgen-1,loadgen-2 (letters, digits, . _ - and user@, or an IP address): ${JSON.stringify(notHostName)} is not one`, raw);
  }
  const seen = new Set<string>();
  for (const item of items) {
    if (seen.has(item)) throw optionError(field, `distinct names (${item} is named twice)`, raw);
    seen.add(item);
  }
  return items;
}

const kByteUnits: Record<string, number> = { '': 1, b: 1, kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12, kib: 2 ** 10, mib: 2 ** 20, gib: 2 ** 30, tib: 2 ** 40 };

/** "2GB" (10^9), "512MiB" (2^20 each), or a bare number of bytes; a whole number of bytes at least `min`. */
export function parseBytes(field: string, raw: unknown, min: number): number {
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(String(raw).trim());
  const unit = match ? kByteUnits[match[2]!.toLowerCase()] : undefined;
  if (!match || unit === undefined) throw optionError(field, 'a size such as 2GB, 500MB or 512MiB', raw);
  const bytes = Math.round(Number(match[1]) * unit);
  if (!Number.isSafeInteger(bytes) || bytes < min) throw optionError(field, `a size of at least ${min} byte${min === 1 ? '' : 's'}`, raw);
  return bytes;
}

/** A share from 0 to 1: "0.1", "0", "1". */
export function parseFraction(field: string, raw: unknown): number {
  const text = String(raw).trim();
  const value = Number(text);
  if (text === '' || !/^\d*\.?\d+$/.test(text) || !(value >= 0 && value <= 1)) throw optionError(field, 'a share from 0 to 1, such as 0.1', raw);
  return value;
}

/** A share written as a percentage, "5%" or "5", within (minPct, maxPct] %; returned as a fraction (0.05). */
export function parsePercent(field: string, raw: unknown, minPct: number, maxPct: number): number {
  const match = /^(\d+(?:\.\d+)?)\s*%?$/.exec(String(raw).trim());
  const pct = match ? Number(match[1]) : NaN;
  if (!(pct > minPct && pct <= maxPct)) throw optionError(field, `a percentage above ${minPct} % and at most ${maxPct} %, such as 5%`, raw);
  return pct / 100;
}

/** Checks one raw value against its kind; returns the value in its resolved form. */
export function parseByKind(field: string, kind: OptionKind, raw: unknown): unknown {
  switch (kind.type) {
    case 'string':
      return parseString(field, raw);
    case 'int':
      return parseInteger(field, raw, kind.min, kind.max);
    case 'rate':
      return parseRate(field, raw);
    case 'duration':
      return parseDurationMs(field, raw, kind.minMs, kind.maxMs);
    case 'enum':
      return parseEnum(field, raw, kind.values);
    case 'props':
      return parseProps(field, raw);
    case 'stall':
      return parseStall(field, raw);
    case 'fault':
      return parseFaultList(field, raw);
    case 'bool':
      return parseBool(field, raw);
    case 'list':
      return parseList(field, raw);
    case 'optional-path':
      // '' stands for "beside the JSON result" (a bare --html, or `html: true` in a file).
      return raw === '' || raw === true ? '' : parseString(field, raw);
    case 'thresholds':
      return parseThresholdList(field, raw);
    case 'observe-list':
      return parseStageList(field, raw);
    case 'strings':
      return parseStringList(field, raw);
    case 'bytes':
      return parseBytes(field, raw, kind.min);
    case 'fraction':
      return parseFraction(field, raw);
    case 'percent':
      return parsePercent(field, raw, kind.minPct, kind.maxPct);
    case 'stages':
      return parseStages(field, raw);
    case 'steps':
      return parseSteps(field, raw);
  }
}
