import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readAgentLine } from '../../../src/fleet/agent-messages.js';
import { LineBuffer } from '../../../src/fleet/line-buffer.js';
import { encodeSnapshot, toLine, type FromAgent } from '../../../src/fleet/protocol.js';
import { zeroSnapshot } from '../../../src/histogram/merge.js';

const produced = encodeSnapshot(zeroSnapshot());
const interval: FromAgent = { type: 'interval', seq: 3, startUs: 1, endUs: 2, produced, publishDelay: null, sentPerShard: [5, 6] };

const problemOf = (line: string): string => {
  const read = readAgentLine(line);
  assert.ok('problem' in read, `${line.slice(0, 80)} was taken: ${JSON.stringify(read).slice(0, 80)}`);
  return (read as { problem: string }).problem;
};

test('the protocol\'s own lines are read as messages; a stray print that is not JSON is ignored', () => {
  for (const message of [interval, { ...interval, type: 'final', outcomes: [{ ok: true, sent: 5 }, { ok: false, sent: 6, code: 'E', message: 'm', exitCode: 1 }], cpuMicros: 1, maxRssBytes: 2 }, { type: 'ready', goWaitingSinceUs: 1 }, { type: 'error', code: 'E', message: 'm', exitCode: 1 }] as FromAgent[]) {
    assert.equal(readAgentLine(toLine(message)), { message }, message.type);
  }
  assert.equal(readAgentLine('npm notice New major version of npm available!'), { ignored: true });
  assert.equal(readAgentLine(''), { ignored: true });
});

test('a line of the wrong shape says which field, and quotes the line cut to 200 characters', () => {
  assert.match(problemOf('{"type":"interval","seq":1}'), /^a malformed interval message \(interval\.startUs must be a number \(got nothing\)\): \{"type":"interval","seq":1\}$/);
  assert.match(problemOf(JSON.stringify({ ...interval, produced: { counters: {}, hdr: 7 } })), /interval\.produced\.hdr must be a string/);
  assert.match(problemOf(JSON.stringify({ ...interval, sentPerShard: [1, 'two'] })), /interval\.sentPerShard\[1\] must be a number \(got "two"\)/);
  assert.match(problemOf('{"type":"launch","x":1}'), /^a message of unknown type "launch"/);
  assert.match(problemOf('{"type":7}'), /^a line without a message type/);
  assert.match(problemOf('{"type":"interval",'), /^a line that is not JSON/);
  const long = problemOf(`{"type":"pong","pad":"${'y'.repeat(5_000)}"}`);
  assert.ok(long.endsWith(`"pad":"${'y'.repeat(200 - 22)}…`), long.slice(-60));
});

test('a histogram field longer than any histogram of ours is refused before decoding', () => {
  assert.match(problemOf(JSON.stringify({ ...interval, produced: { ...produced, hdr: 'A'.repeat(300_000) } })), /interval\.produced\.hdr holds 300000 characters, more than a histogram encodes to/);
});

test('lines split across chunks are joined; a line past the bound is an overflow, after the lines before it', () => {
  const buffer = new LineBuffer(10);
  assert.equal(buffer.push('ab'), { lines: [] });
  assert.equal(buffer.push('c\nde\nf'), { lines: ['abc', 'de'] });
  assert.equal(buffer.push('ghij\n'), { lines: ['fghij'] });
  assert.equal(buffer.push('ok\n0123456789x'), { lines: ['ok'], overflowChars: 11 });
  const bounded = new LineBuffer(4 * 2 ** 20);
  let overflow: number | undefined;
  for (let i = 0; i < 8 && overflow === undefined; i++) overflow = bounded.push('x'.repeat(2 ** 20)).overflowChars;
  assert.is(overflow, 5 * 2 ** 20, 'the fifth MiB without a newline overflows');
});

test.run();
