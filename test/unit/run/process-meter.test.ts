import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { setTimeout as sleep } from 'node:timers/promises';
import { kernelPeakRssBytes, LoopLagMeter, processSample } from '../../../src/run/process-meter.js';

test('process CPU grows with work; RSS and its kernel-counted peak are plausible', () => {
  const before = processSample();
  let sum = 0;
  for (let i = 0; i < 2e7; i++) sum += i % 3;
  assert.ok(sum > 0);
  const after = processSample();
  assert.ok(after.cpuUs > before.cpuUs, `${before.cpuUs} → ${after.cpuUs} µs`);
  assert.ok(after.rssBytes > 10 * 2 ** 20 && after.rssBytes < 8 * 2 ** 30, `rss ${after.rssBytes}`);
  assert.ok((kernelPeakRssBytes() ?? 0) >= after.rssBytes * 0.5);
});

test('event-loop lag: a 200 ms block shows in the interval and the total, then the interval resets', async () => {
  const meter = new LoopLagMeter();
  try {
    assert.is(meter.source, 'monitorEventLoopDelay');
    await sleep(50);
    const blockedUntil = performance.now() + 200;
    while (performance.now() < blockedUntil);
    await sleep(50);
    const blocked = meter.interval();
    assert.ok(blocked.maxMs >= 150 && blocked.maxMs < 2000, `interval max ${blocked.maxMs} ms`);
    assert.ok(blocked.p50Ms <= blocked.p99Ms && blocked.p99Ms <= blocked.maxMs);
    await sleep(100);
    assert.ok(meter.interval().maxMs < blocked.maxMs, 'the next interval starts afresh');
    assert.ok(meter.total().maxMs >= 150);
  } finally {
    meter.stop();
  }
});

test.run();
