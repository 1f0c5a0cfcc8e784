import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { StampedeError } from '../../../src/errors.js';
import type { AgentLink } from '../../../src/fleet/agent-link.js';
import { readAgentLine } from '../../../src/fleet/agent-messages.js';
import type { ConnectedHost } from '../../../src/fleet/connect.js';
import { encodeSnapshot, toLine, type FromAgent, type Hello, type IntervalLine } from '../../../src/fleet/protocol.js';
import { zeroSnapshot } from '../../../src/histogram/merge.js';
import { resolveWorkload } from '../../../src/options/workload.js';
import { planFleet } from '../../../src/plan/fleet.js';
import { intervalsCsv } from '../../../src/report/csv.js';
import { diffResults } from '../../../src/report/diff.js';
import { hgrmText } from '../../../src/report/hgrm.js';
import { classifyResult, parseResultText, runSeriesOf } from '../../../src/report/inputs.js';
import { hostFacts } from '../../../src/runtime.js';
import { FleetSource } from '../../../src/sources/fleet.js';
import { fakeBenchMaxResult, fakeCompareResult, fakeRunResult } from '../../helpers/fake-result.js';
import { inflationBombHdr, wideRangeHdr } from '../../helpers/hostile-hdr.js';
import { prng } from '../../helpers/random.js';
import { decodeHdr, LATENCY_KINDS } from '../../../src/histogram/latency-kinds.js';
import { hdrOf } from '../../../src/report/latency-hdr.js';

/**
 * Random and mutated inputs for the two readers of outside data: the coordinator's agent-line
 * reader (with the handler a line then reaches) and the result-file reader (with the reports that
 * then read the file). Seeded, so a failure replays: its case number and input are in the message.
 * Every input must end in one of the ways meant for bad input, never in an uncaught exception:
 *   agent line  → a message, ignored (not JSON at all), or a problem: that host fails
 *   result file → a report input the readers use without error, or a StampedeError of exit code 2
 * and memory must stay bounded over the 10,000 cases.
 */
const kCases = 10_000;
const kSeed = 20_261_205;
/** RSS may grow this much over all the cases (a bounded decoder needs a few MB; the unbounded one took 462 MB for one field). */
const kRssGrowthBoundMb = 200;

const random = prng(kSeed);
const below = (n: number): number => Math.floor(random() * n);
const pick = <T>(items: readonly T[]): T => items[below(items.length)]!;

const kFieldNames = ['type', 'seq', 'startUs', 'endUs', 'produced', 'publishDelay', 'sentPerShard', 'counters', 'hdr', 'outcomes', 'ok', 'sent', 'message', 'code', 'totals', 'latency', 'intervals', 'produceAck', 'p99', 'count', 'tool', 'workload', 'plan', 'instance', 'kind', 'modes', 'peers', '__proto__', 'constructor'];
const kHostileStrings = [wideRangeHdr(), inflationBombHdr(5), 'HISTFAAAAB54nJNpmSzMwMDACMXMDBAAYjNcm7yEAc4HAEvsA1s=', 'HISTF' + 'A'.repeat(4000), '{', '', 'A'.repeat(300_000), '\u0000\uffff', 'interval', 'final'];

function randomText(maxChars: number): string {
  const length = below(maxChars);
  let text = '';
  for (let i = 0; i < length; i++) text += String.fromCharCode(random() < 0.8 ? 32 + below(95) : below(0x3000));
  return text;
}

function randomNumber(): number {
  return pick([0, -1, 1, 0.5, 2 ** 31, 2 ** 53, 1e15, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, below(1000), -below(1e6), random() * 1e9]);
}

function randomJson(depth: number): unknown {
  const roll = below(depth <= 0 ? 5 : 8);
  if (roll === 0) return null;
  if (roll === 1) return random() < 0.5;
  if (roll === 2) return randomNumber();
  if (roll === 3) return randomText(40);
  if (roll === 4) return pick(kHostileStrings);
  if (roll === 5) return Array.from({ length: below(6) }, () => randomJson(depth - 1));
  const object: Record<string, unknown> = {};
  for (let i = below(6); i > 0; i--) object[random() < 0.7 ? pick(kFieldNames) : randomText(8)] = randomJson(depth - 1);
  return object;
}

/** A copy of `doc` with one to three changes at random places: a field dropped, replaced, retyped, emptied. */
function mutate(doc: unknown): unknown {
  const copy = JSON.parse(JSON.stringify(doc)) as unknown;
  for (let change = 1 + below(3); change > 0; change--) {
    let parent: unknown = copy;
    let key: string | number | undefined;
    // Walk down a random path, stopping at a random depth.
    for (let depth = 0; depth < 8; depth++) {
      const node = key === undefined ? parent : (parent as Record<string | number, unknown>)[key];
      if (node === null || typeof node !== 'object') break;
      const keys = Object.keys(node);
      if (keys.length === 0 || (depth > 0 && random() < 0.3)) break;
      if (key !== undefined) parent = node;
      key = Array.isArray(node) ? below(node.length) : pick(keys);
    }
    if (key === undefined || parent === null || typeof parent !== 'object') return randomJson(3);
    const holder = parent as Record<string | number, unknown>;
    const roll = below(6);
    if (roll === 0) delete holder[key];
    else if (roll === 1) holder[key] = randomJson(2);
    else if (roll === 2) holder[key] = null;
    else if (roll === 3) holder[key] = typeof holder[key] === 'number' ? String(holder[key]) : randomNumber();
    else if (roll === 4) holder[key] = pick(kHostileStrings);
    else holder[key] = Array.isArray(holder[key]) ? [] : {};
  }
  return copy;
}

/** Text-level damage: cut short, characters flipped, bytes inserted. */
function damage(text: string): string {
  const roll = below(3);
  if (roll === 0) return text.slice(0, below(text.length + 1));
  const chars = text.split('');
  for (let i = 1 + below(4); i > 0; i--) {
    const at = below(chars.length + 1);
    if (roll === 1) chars[at] = String.fromCharCode(below(128));
    else chars.splice(at, 0, randomText(4));
  }
  return chars.join('');
}

function nextInput(seeds: readonly unknown[]): string {
  const roll = random();
  if (roll < 0.1) return randomText(200);
  if (roll < 0.25) return JSON.stringify(randomJson(4));
  if (roll < 0.4) return damage(JSON.stringify(pick(seeds)));
  return JSON.stringify(mutate(pick(seeds)));
}

// ── agent lines ────────────────────────────────────────────────────────────────────────────────
const snapshot = zeroSnapshot();
for (let i = 0; i < snapshot.counts.length; i += 97) snapshot.counts[i] = 1 + below(1000);
const produced = encodeSnapshot(snapshot);
const hello: Hello = { type: 'hello', protocol: 1, version: '0.1.0', runtime: { name: 'node', version: '20' }, facts: hostFacts(), pid: 1, platformArch: 'linux-x64' };
const interval: IntervalLine = { type: 'interval', seq: 2, startUs: 1, endUs: 2, produced, publishDelay: produced, sentPerShard: [5, 6] };
const agentSeeds: FromAgent[] = [
  hello,
  { type: 'pong', t0Us: 1, agentUs: 2 },
  { type: 'ready', goWaitingSinceUs: 1 },
  { type: 'started', goAtUs: 1 },
  { type: 'baseline', atUs: 1, produced },
  interval,
  { ...interval, type: 'final', outcomes: [{ ok: true, sent: 5 }, { ok: false, sent: 6, code: 'E', message: 'm', exitCode: 1 }], cpuMicros: 1, maxRssBytes: 1 },
  { type: 'checked', ok: true, detail: 'd' },
  { type: 'error', code: 'E', message: 'm', exitCode: 1 },
];

/**
 * The coordinator's handler of one host's messages (FleetSource), behind a link that sends
 * nothing: AgentLink turns anything it throws into that host's failure.
 */
function fleetHandler(): (message: FromAgent) => void {
  const link = { send: () => {}, waitFor: () => new Promise(() => {}), exited: new Promise(() => {}), hasExited: false, fail: () => {}, close: async () => {}, onMessage: (_m: FromAgent, _b: number) => {} };
  const host = { name: 'h', link: link as unknown as AgentLink, hello, clock: { offsetUs: 0, uncertaintyUs: 0, bestRoundTripUs: 0 } } as unknown as ConnectedHost;
  const plans = planFleet({ names: ['h'], devices: 100, workersPerHost: 2, records: undefined, rateRecordsPerSec: undefined, partName: 'hosts' });
  new FleetSource([host], plans, { workload: resolveWorkload({}, { client: 'null' }), librdkafka: {}, inline: false });
  return (message) => link.onMessage(message, 1);
}

test(`agent lines: ${kCases / 2} random and mutated lines end as a message, ignored or a host failure, never an uncaught exception`, () => {
  const handle = fleetHandler();
  const tally = { message: 0, ignored: 0, problem: 0, failedInHandler: 0 };
  for (let n = 0; n < kCases / 2; n++) {
    const line = random() < 0.9 ? nextInput(agentSeeds) : toLine(pick(agentSeeds)).trimEnd();
    let read;
    try {
      read = readAgentLine(line);
    } catch (err) {
      assert.unreachable(`case ${n}: readAgentLine threw ${(err as Error).stack}\n${line.slice(0, 500)}`);
      return;
    }
    if ('ignored' in read) tally.ignored++;
    else if ('problem' in read) {
      assert.ok(read.problem.length < 600, `case ${n}: a problem of ${read.problem.length} characters`);
      tally.problem++;
    } else {
      tally.message++;
      try {
        handle(read.message);
      } catch (err) {
        // Caught by AgentLink (the host fails); only our own errors may get here, never a TypeError of an unchecked field.
        assert.not.instance(err, TypeError, `case ${n}: ${(err as Error).stack}\n${line.slice(0, 500)}`);
        assert.not.instance(err, RangeError, `case ${n}: ${(err as Error).stack}\n${line.slice(0, 500)}`);
        tally.failedInHandler++;
      }
    }
  }
  assert.ok(tally.message > 500 && tally.problem > 1000 && tally.ignored > 100, JSON.stringify(tally));
});

// ── result files ───────────────────────────────────────────────────────────────────────────────
const resultSeeds: unknown[] = [fakeRunResult({ e2e: true }), fakeRunResult({ seed: 3 }), fakeCompareResult(), fakeBenchMaxResult()].map((doc) => JSON.parse(JSON.stringify(doc)));

test(`result files: ${kCases / 2} random and mutated files are read and reported, or refused with exit 2; memory stays bounded`, () => {
  (globalThis as { gc?: () => void }).gc?.();
  const rssBeforeMb = process.memoryUsage().rss / 1e6;
  let rssPeakMb = rssBeforeMb;
  const tally = { accepted: 0, refused: 0 };
  for (let n = 0; n < kCases / 2; n++) {
    const text = nextInput(resultSeeds);
    const file = `case-${n}.json`;
    try {
      const input = classifyResult(file, parseResultText(file, text));
      // What report and diff then do with it.
      diffResults(input, input, 10);
      const series = runSeriesOf([input]);
      intervalsCsv(series);
      for (const { run, label } of series) {
        for (const kind of LATENCY_KINDS) {
          const base64 = hdrOf(run, kind.key);
          // The whole .hgrm text for some (its percentile walk is slow), the decoded histogram for all.
          if (base64 !== null) assert.ok(tally.accepted % 20 === 0 ? hgrmText(base64, label).length > 0 : decodeHdr(base64).getValueAtPercentile(99) >= 0);
        }
      }
      tally.accepted++;
    } catch (err) {
      if (!(err instanceof StampedeError)) assert.unreachable(`case ${n}: ${(err as Error).stack}\n${text.slice(0, 500)}`);
      assert.is((err as StampedeError).exitCode, 2, `case ${n}`);
      assert.match((err as Error).message, new RegExp(`case-${n}\\.json`), `case ${n}: the error names the file`);
      tally.refused++;
    }
    if (n % 250 === 0) rssPeakMb = Math.max(rssPeakMb, process.memoryUsage().rss / 1e6);
  }
  rssPeakMb = Math.max(rssPeakMb, process.memoryUsage().rss / 1e6);
  assert.ok(rssPeakMb - rssBeforeMb < kRssGrowthBoundMb, `RSS grew ${(rssPeakMb - rssBeforeMb).toFixed(0)} MB (bound ${kRssGrowthBoundMb} MB)`);
  assert.ok(tally.accepted > 300 && tally.refused > 2000, JSON.stringify(tally));
});

test.run();
