import { spawnSync } from 'node:child_process';
import { kafkaLibsDir } from '../../src/broker/kafka-jars.js';

/**
 * Kafka's own ConfigCommand (the jar the local broker runs from): a topic's settings as the broker
 * reports them, read by a tool nobody here wrote. Returns key → value.
 */
export function describeTopicConfigWithKafka(bootstrap: string, topic: string): Record<string, string> {
  const run = spawnSync('java', ['-cp', `${kafkaLibsDir()}/*`, 'kafka.admin.ConfigCommand', '--bootstrap-server', bootstrap, '--entity-type', 'topics', '--entity-name', topic, '--describe'], { encoding: 'utf8', timeout: 60_000 });
  if (run.status !== 0) throw new Error(`ConfigCommand exited ${run.status}: ${run.stderr.trim()}`);
  // "Dynamic configs for topic t are:\n  retention.ms=123456 sensitive=false synonyms={…}"
  const settings: Record<string, string> = {};
  for (const match of run.stdout.matchAll(/^\s+([\w.]+)=(\S*) sensitive=/gm)) settings[match[1]!] = match[2]!;
  return settings;
}

/**
 * Kafka's own TopicCommand (kafka-topics.sh --describe, from the broker's jars): the partition
 * count of each topic named, as the broker reports it. One JVM for all of them.
 */
export function describePartitionsWithKafka(bootstrap: string, topics: readonly string[]): Record<string, number> {
  const pattern = topics.map((topic) => topic.replace(/[.]/g, '\\.')).join('|');
  const run = spawnSync('java', ['-cp', `${kafkaLibsDir()}/*`, 'org.apache.kafka.tools.TopicCommand', '--bootstrap-server', bootstrap, '--describe', '--topic', pattern], { encoding: 'utf8', timeout: 60_000 });
  if (run.status !== 0) throw new Error(`TopicCommand exited ${run.status}: ${run.stderr.trim()}`);
  // "Topic: t\tTopicId: …\tPartitionCount: 3\tReplicationFactor: 1\tConfigs: …"
  const counts: Record<string, number> = {};
  for (const match of run.stdout.matchAll(/^Topic: (\S+)\s+TopicId: \S+\s+PartitionCount: (\d+)/gm)) counts[match[1]!] = Number(match[2]);
  return counts;
}
