import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadNative, type NativeAddon, type NativeAdmin, type NativeConsumer, type NativeGroupLag, type NativeProducer } from '../../../src/native/load.js';
import { loadTestingNative, type NativeTestingAddon } from '../../helpers/native-testing.js';

// The addon's declarations are written by hand (src/native/load.ts). These lists must name every
// member of each interface (the compiler checks that, both ways), and the test checks them against
// what the built addon exports, so a change on either side that the other lacks fails here.
const addonExports = {
  NativeProducer: true,
  NativeConsumer: true,
  NativeAdmin: true,
  NativeGroupLag: true,
  librdkafkaVersion: true,
  librdkafkaFeatures: true,
  packConsumedForTest: true,
  threadCpuMicros: true,
} satisfies Record<keyof NativeAddon, true>;
/** The testing build's own exports (native/src/testing.rs, the `testing` cargo feature). */
const testingExports = { unpackBatchForTest: true, recordLatenciesForTest: true, layoutForTest: true, paceForTest: true, comparePlacementForTest: true } satisfies Record<Exclude<keyof NativeTestingAddon, keyof NativeAddon>, true>;
const producerMembers = { produceBatch: true, startPacing: true, paceBatch: true, flush: true, fetchTopicMetadata: true, lastError: true, errorsByCode: true, retries: true, close: true, initTransactions: true, beginTransaction: true, commitTransaction: true, abortTransaction: true } satisfies Record<keyof NativeProducer, true>;
const consumerMembers = { poll: true, assignment: true, lag: true, positions: true, endOffsets: true, lastError: true, pause: true, resume: true, close: true } satisfies Record<keyof NativeConsumer, true>;
const adminMembers = { connect: true, describeTopic: true, createTopic: true, deleteTopics: true, close: true } satisfies Record<keyof NativeAdmin, true>;
const groupLagMembers = { read: true, close: true } satisfies Record<keyof NativeGroupLag, true>;

const sorted = (names: Iterable<string>): string[] => [...names].sort();
const prototypeMembers = (klass: unknown): string[] => Object.getOwnPropertyNames((klass as { prototype: object }).prototype).filter((name) => name !== 'constructor');

test('the addon exports exactly what NativeAddon declares: no test-only export in the build users run', () => {
  assert.equal(sorted(Object.keys(loadNative())), sorted(Object.keys(addonExports)));
});

test('the testing build exports the same, and the test-only functions besides', () => {
  assert.equal(sorted(Object.keys(loadTestingNative())), sorted([...Object.keys(addonExports), ...Object.keys(testingExports)]));
});

test('each class has exactly the members its interface declares', () => {
  const addon = loadNative();
  assert.equal(sorted(prototypeMembers(addon.NativeProducer)), sorted(Object.keys(producerMembers)));
  assert.equal(sorted(prototypeMembers(addon.NativeConsumer)), sorted(Object.keys(consumerMembers)));
  assert.equal(sorted(prototypeMembers(addon.NativeAdmin)), sorted(Object.keys(adminMembers)));
  assert.equal(sorted(prototypeMembers(addon.NativeGroupLag)), sorted(Object.keys(groupLagMembers)));
});

test('builtin.features names TLS, the SASL mechanisms and every compression codec and OIDC', () => {
  const features = loadNative().librdkafkaFeatures().split(', ');
  for (const feature of ['ssl', 'sasl_plain', 'sasl_scram', 'sasl_oauthbearer', 'zstd', 'lz4', 'oidc']) assert.ok(features.includes(feature), `${feature} in ${features.join(', ')}`);
});

test.run();
