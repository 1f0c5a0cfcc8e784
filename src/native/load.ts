import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as Addon from '../../native/stampede-native.js';
import { StampedeError } from '../errors.js';
import { nativeAddonFile, napiPlatform, platformPackage } from '../addon-file.js';
import { projectRoot } from '../paths.js';

export { nativeAddonFile, napiPlatform, platformPackage };

/**
 * Where the addon is: in a checkout, native/ (where `make build` puts it); in an installed package,
 * the platform package beside it in node_modules. The checkout's copy wins, so a developer's own
 * build is what runs.
 */
function findNativeAddon(): string | undefined {
  const checkout = join(projectRoot, 'native', nativeAddonFile);
  if (existsSync(checkout)) return checkout;
  try {
    const manifest = createRequire(join(projectRoot, 'package.json')).resolve(`${platformPackage}/package.json`);
    const installed = join(dirname(manifest), nativeAddonFile);
    return existsSync(installed) ? installed : undefined;
  } catch {
    return undefined;
  }
}

/** The addon this process loads (the checkout's path when there is none, for messages). */
export const nativeAddonPath = findNativeAddon() ?? join(projectRoot, 'native', nativeAddonFile);

// The addon's types are generated from its Rust exports by `napi build` (native/build.mjs writes
// native/stampede-native.d.ts beside the addon), so they say what the addon exports.
export type NativeAddon = typeof Addon;
export type NativeProducer = Addon.NativeProducer;
export type NativeConsumer = Addon.NativeConsumer;
export type NativeAdmin = Addon.NativeAdmin;
export type NativeGroupLag = Addon.NativeGroupLag;
export type ProduceOutcome = Addon.ProduceOutcome;
export type BrokerInfo = Addon.BrokerInfo;
export type ClusterInfo = Addon.ClusterInfo;
export type TopicState = Addon.TopicState;
export type PartitionWatermarks = Addon.PartitionWatermarks;
export type GroupPartitionLag = Addon.GroupPartitionLag;
export type ConsumedRecordForTest = Addon.ConsumedRecordForTest;

let addon: NativeAddon | undefined;

/** Loads the addon once per thread; each worker thread loads its own instance (Node-API is context-aware). */
export function loadNative(): NativeAddon {
  if (addon) return addon;
  if (!existsSync(nativeAddonPath)) {
    throw new StampedeError('E_CLIENT', `the native client for ${napiPlatform()} is missing: no ${platformPackage} package is installed (npm installs it with stampede on the platforms a release builds) and no ${nativeAddonPath} was built (\`make build\` in a checkout)`);
  }
  try {
    addon = createRequire(import.meta.url)(nativeAddonPath) as NativeAddon;
  } catch (err) {
    throw new StampedeError('E_CLIENT', `the native client at ${nativeAddonPath} could not be loaded (${(err as Error).message}): reinstall stampede, or in a checkout rebuild it with \`make build\``, { cause: err });
  }
  return addon;
}
