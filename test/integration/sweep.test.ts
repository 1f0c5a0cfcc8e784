import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SweepResult } from '../../src/experiments/sweep.js';
import type { RunResult } from '../../src/contracts/result.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { runCli } from '../helpers/cli.js';
import { describePartitionsWithKafka } from '../helpers/kafka-tools.js';

const dir = mkdtempSync(join(tmpdir(), 'stampede-sweep-'));
const sweeps = suite<{ kafka?: TestBroker }>('sweep on a real broker');

sweeps.before(async (context) => {
  context.kafka = await startTestBroker();
});

sweeps.after(async (context) => {
  await context.kafka?.stop();
});

sweeps('partitions=1,3 × workers=1,2: four full runs, each on a fresh topic with its partition count (Kafka\'s TopicCommand), one JSON, the table and the page', async ({ kafka }) => {
  const topic = `sweep-${randomUUID().slice(0, 8)}`;
  const out = join(dir, 'sweep.json');
  // A low rate for 2 s a point: the sweep's machinery is under test, not the host's speed.
  const args = ['sweep', '--brokers', kafka!.bootstrap, '--topic', topic, '--vary', 'partitions=1,3', '--vary', 'workers=1,2', '--rate', '400', '--duration', '2s', '--format', 'fixed', '--devices', '40', '--profile', 'latency', '--max-publish-delay', '2s', '--seed', '7', '--out', out, '--html'];
  const outcome = await runCli(args, { timeoutMs: 150_000 });
  assert.is(outcome.code, 0, `${outcome.stdout}\n${outcome.stderr}`);
  const sweep = JSON.parse(readFileSync(out, 'utf8')) as SweepResult;
  assert.is(sweep.kind, 'sweep');
  assert.is(sweep.status, 'ok');
  assert.equal(sweep.points.map((point) => point.values), [
    { partitions: '1', workers: '1' },
    { partitions: '1', workers: '2' },
    { partitions: '3', workers: '1' },
    { partitions: '3', workers: '2' },
  ]);
  const topics = sweep.points.map((point) => point.topic);
  assert.is(new Set(topics).size, 4, `a fresh topic per point: ${topics}`);
  for (const name of topics) assert.ok(name.startsWith(`${topic}-sweep-`), name);
  const partitions = describePartitionsWithKafka(kafka!.bootstrap, topics);
  assert.equal(topics.map((name) => partitions[name]), [1, 1, 3, 3], `TopicCommand: ${JSON.stringify(partitions)}`);
  for (const point of sweep.points) {
    assert.is(point.workers, Number(point.values['workers']));
    assert.ok(point.acked >= 700 && point.acked <= 900 * 2, `point ${point.index + 1} acked ${point.acked} (2 s at 400 rec/s, warmup none)`);
    assert.ok(point.latency.p99Us > 0, 'latency measured');
    const result = JSON.parse(readFileSync(point.resultFile, 'utf8')) as RunResult;
    assert.is(result.workload.seed, 7, 'the same seed for every point');
    assert.is(result.totals.acked, point.acked, 'the summary is the point\'s own result');
  }
  assert.ok(sweep.best.index !== null, `a best point: ${sweep.best.why}`);
  assert.match(outcome.stdout, /\[4\/4\] partitions=3 workers=2 → topic \S+ · elapsed [\d.]+ s, about [\d.]+ s left/);
  assert.match(outcome.stdout, /#\s+partitions\s+workers\s+rec\/s\s+MB\/s\s+p50 \(ms\)\s+p99 \(ms\)\s+p99\.9 \(ms\)\s+CPU s\/M rec\s+verdict/);
  assert.is(sweep.objective, 'min-p99', 'at a fixed rate the best is the lowest p99');
  assert.match(outcome.stdout, /best \(min-p99\): #\d partitions=\d workers=\d/);
  const html = readFileSync(out.replace(/\.json$/, '.html'), 'utf8');
  assert.match(html, /<table class="sweep-points">/);
  assert.ok(existsSync(sweep.points[3]!.resultFile));
});

sweeps.run();
