import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { heapMbOf, localBrokerNode } from '../../../src/broker/local.js';
import { nodeDirs } from '../../../src/broker/cluster-node.js';

test('a broker restarted after a crash gets the heap it was started with (-Xmx from its command line)', () => {
  assert.is(heapMbOf(['java', '-Xms512m', '-Xmx512m', '-XX:+UseG1GC', 'kafka.Kafka', 'server.properties']), 512);
  assert.is(heapMbOf(['java', 'kafka.Kafka']), 1024);
});

test("broker up's node is laid out as a cluster node: properties, KRaft data, logs and pid file in one folder", () => {
  const single = localBrokerNode(9092, '/data/broker/9092');
  const clustered = nodeDirs('/data/cluster/9092', 1);
  assert.equal(single.dirs, { dataDir: '/data/broker/9092', logsDir: join('/data/broker/9092', 'logs'), kraftDir: join('/data/broker/9092', 'kraft'), propertiesPath: join('/data/broker/9092', 'server.properties') });
  assert.equal(clustered, { dataDir: '/data/cluster/9092/node-1', logsDir: '/data/cluster/9092/node-1/logs', kraftDir: '/data/cluster/9092/node-1/kraft', propertiesPath: '/data/cluster/9092/node-1/server.properties' });
  assert.equal({ host: single.host, port: single.port }, { host: '127.0.0.1', port: 9092 });
});

test.run();
