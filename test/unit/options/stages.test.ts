import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StampedeError } from '../../../src/errors.js';
import { readWorkloadFile, resolveWorkload } from '../../../src/options/workload.js';

const refused = (run: () => unknown, message: RegExp): void => {
  try {
    run();
    assert.unreachable('should throw');
  } catch (err) {
    assert.instance(err, StampedeError);
    assert.is((err as StampedeError).exitCode, 2);
    assert.match((err as Error).message, message);
  }
};

test('--observe TOPIC[:expect] is repeatable; the stage is named after its topic, passthrough and the header trace by default', () => {
  const workload = resolveWorkload({}, { observe: ['enriched', 'alerts:subset', 'per-second:aggregate'] });
  assert.equal(
    workload.stages.map((stage) => [stage.name, stage.topic, stage.expect, stage.trace.kind, stage.processorGroup]),
    [
      ['enriched', 'enriched', 'passthrough', 'header', undefined],
      ['alerts', 'alerts', 'subset', 'header', undefined],
      ['per-second', 'per-second', 'aggregate', 'header', undefined],
    ],
  );
  assert.equal(resolveWorkload({}, {}).stages, []);
  assert.is(workload.recordTrace, 'header', 'observed runs write the trace header by default');
  assert.is(resolveWorkload({}, {}).recordTrace, 'value');
  assert.is(resolveWorkload({}, { observe: ['a'], client: 'node-rdkafka', trace: ['timestamp'] }).recordTrace, 'value', 'node-rdkafka cannot write it');
});

test('--trace and --processor-group: once for every stage, or once per stage in order', () => {
  const once = resolveWorkload({}, { observe: ['a', 'b'], trace: ['timestamp'], 'processor-group': ['app'] });
  assert.equal(once.stages.map((stage) => [stage.trace, stage.processorGroup]), [[{ kind: 'timestamp' }, 'app'], [{ kind: 'timestamp' }, 'app']]);
  const each = resolveWorkload({}, { observe: ['a', 'b'], trace: ['field:sent_at_us', 'header'], 'processor-group': ['enrich', 'alert'] });
  assert.equal(each.stages.map((stage) => [stage.trace, stage.processorGroup]), [[{ kind: 'field', field: 'sent_at_us' }, 'enrich'], [{ kind: 'header' }, 'alert']]);
});

test('a workload file lists stages with a name each; its own trace and processorGroup win over the flags', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stampede-stages-'));
  const file = join(dir, 'pipeline.yaml');
  writeFileSync(file, ['observe:', '  - { name: enriched, topic: iot.enriched, trace: timestamp, processorGroup: enricher }', '  - name: alerts', '    topic: iot.alerts', '    expect: subset'].join('\n'));
  const workload = resolveWorkload(readWorkloadFile(file), { trace: ['field:sent_at_us'] }, file);
  assert.equal(workload.stages, [
    { name: 'enriched', topic: 'iot.enriched', expect: 'passthrough', trace: { kind: 'timestamp' }, processorGroup: 'enricher' },
    { name: 'alerts', topic: 'iot.alerts', expect: 'subset', trace: { kind: 'field', field: 'sent_at_us' }, processorGroup: undefined },
  ]);
  writeFileSync(file, 'observe:\n  - { name: x, topic: t, expect: windowed }\n');
  refused(() => resolveWorkload(readWorkloadFile(file), {}, file), /pipeline\.yaml: observe expect must be passthrough, subset, aggregate \(got "windowed"\)/);
  writeFileSync(file, 'observe:\n  - { topic: t, tarce: header }\n');
  refused(() => resolveWorkload(readWorkloadFile(file), {}, file), /unknown stage field "tarce"/);
});

test('bad stage options are one line naming the flag, exit 2', () => {
  refused(() => resolveWorkload({}, { observe: ['a'], trace: ['headers'] }), /--trace must be header, timestamp or field:NAME/);
  refused(() => resolveWorkload({}, { observe: ['a', 'b', 'c'], trace: ['header', 'timestamp'] }), /--trace is given 2 times for 3 --observe stages/);
  refused(() => resolveWorkload({}, { trace: ['timestamp'] }), /--trace applies to observed stages: add --observe TOPIC/);
  refused(() => resolveWorkload({}, { 'processor-group': ['app'] }), /--processor-group applies to observed stages/);
  refused(() => resolveWorkload({}, { observe: ['a b'] }), /--observe must be TOPIC\[:passthrough\|subset\|aggregate\]/);
  refused(() => resolveWorkload({}, { observe: ['a', 'a:subset'] }), /two stages are named "a"/);
  refused(() => resolveWorkload({}, { observe: ['a'], 'record-trace': 'value' }), /stage a is traced by the stampede\.trace header, which --record-trace value does not write: use --record-trace header/);
});

test.run();
