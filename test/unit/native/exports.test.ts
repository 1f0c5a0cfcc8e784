import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadNative } from '../../../src/native/load.js';
import { loadTestingNative } from '../../helpers/native-testing.js';

// The addon's TypeScript declarations are generated from its Rust exports by `napi build`
// (native/stampede-native.d.ts), so they cannot drift from it; what remains to check is which build
// carries the test-only exports of native/src/testing.rs.
const testingOnly = ['unpackBatchForTest', 'recordLatenciesForTest', 'layoutForTest', 'paceForTest', 'comparePlacementForTest'];

test('the build users run has none of the test-only exports', () => {
  const exported = Object.keys(loadNative());
  for (const name of testingOnly) assert.not.ok(exported.includes(name), `${name} in the release build`);
  assert.ok(exported.includes('NativeProducer') && exported.includes('librdkafkaFeatures'), exported.join(', '));
});

test('the testing build has the release exports and the test-only ones', () => {
  const exported = Object.keys(loadTestingNative());
  for (const name of [...Object.keys(loadNative()), ...testingOnly]) assert.ok(exported.includes(name), `${name} missing from the testing build`);
});

test('builtin.features names TLS, the SASL mechanisms and every compression codec and OIDC', () => {
  const features = loadNative().librdkafkaFeatures().split(', ');
  for (const feature of ['ssl', 'sasl_plain', 'sasl_scram', 'sasl_oauthbearer', 'zstd', 'lz4', 'oidc']) assert.ok(features.includes(feature), `${feature} in ${features.join(', ')}`);
});

test.run();
