import { StampedeError } from '../errors.js';

/** Confluent's subject name strategies for a record value. */
export const SUBJECT_STRATEGIES = ['topic', 'record', 'topic-record'] as const;
export type SubjectStrategy = (typeof SUBJECT_STRATEGIES)[number];

const kStrategyClasses: Record<string, SubjectStrategy> = {
  TopicNameStrategy: 'topic',
  RecordNameStrategy: 'record',
  TopicRecordNameStrategy: 'topic-record',
};

/** TopicNameStrategy: "<topic>-value"; RecordNameStrategy: the record's full name; TopicRecordNameStrategy: "<topic>-<full name>". */
export function valueSubject(strategy: SubjectStrategy, topic: string, recordFullName: string | undefined): string {
  if (strategy === 'topic') return `${topic}-value`;
  if (recordFullName === undefined) throw new StampedeError('E_OPTION', `--subject-strategy ${strategy} needs a named record schema (the value's schema has no name)`);
  return strategy === 'record' ? recordFullName : `${topic}-${recordFullName}`;
}

/**
 * The strategy a Confluent client.properties names (value.subject.name.strategy=io.confluent.…
 * .TopicRecordNameStrategy), for when no flag names one.
 */
export function strategyFromProperties(registry: Readonly<Record<string, string>>): SubjectStrategy | undefined {
  const className = registry['value.subject.name.strategy'];
  if (className === undefined) return undefined;
  const strategy = kStrategyClasses[className.slice(className.lastIndexOf('.') + 1)];
  if (strategy === undefined) throw new StampedeError('E_OPTION', `value.subject.name.strategy must be one of Confluent's TopicNameStrategy, RecordNameStrategy, TopicRecordNameStrategy (got ${JSON.stringify(className)})`);
  return strategy;
}
