import { startTestBroker } from '../helpers/broker.js';
import { createTestTopic } from '../helpers/topics.js';
import { startKcatPipe } from '../helpers/kcat-pipe.js';
import { runCli } from '../helpers/cli.js';
import { readFileSync } from 'node:fs';
import { readTopicWithKcat } from '../helpers/kcat.js';
const kafka = await startTestBroker();
try {
  await createTestTopic(kafka.bootstrap, 'a', 2); await createTestTopic(kafka.bootstrap, 'b', 2);
  let lines = 0;
  const pipe = startKcatPipe({ bootstrap: kafka.bootstrap, from: 'a', to: 'b', group: 'g1', keep: () => { lines++; return true; } });
  const running = runCli(['run', '--brokers', kafka.bootstrap, '--topic', 'a', '--format', 'iot-json', '--devices', '20', '--duration', '12s', '--rate', '2000', '--observe', 'b', '--trace', 'field:sent_at_us', '--processor-group', 'g1', '--interval', '500ms', '--out', '/tmp/stg/d.json']);
  await new Promise((r) => setTimeout(r, 5000)); process.kill(pipe.consumerPid, 'SIGSTOP');
  await new Promise((r) => setTimeout(r, 4000)); process.kill(pipe.consumerPid, 'SIGCONT');
  const run = await running;
  console.log(run.code, run.stderr, run.stdout.split('\n').filter((l) => l.startsWith('[')).join('\n'));
  console.log('elapsed', run.elapsedMs, 'lines', lines, 'on b', (await readTopicWithKcat(kafka.bootstrap, 'b', 30000)).length);
  const r = JSON.parse(readFileSync('/tmp/stg/d.json', 'utf8'));
  console.log(JSON.stringify(r.stages, (k, v) => k === 'hdr' ? undefined : v));
  console.log(r.intervals.map((row: any) => JSON.stringify(row.stages)).join('\n'));
  await pipe.stop();
  console.log('after stop on b', (await readTopicWithKcat(kafka.bootstrap, 'b', 30000)).length);
} finally { await kafka.stop(); }
