#!/usr/bin/env node
// Builds the addon with @napi-rs/cli (`napi build --platform --release`): cargo with Cargo.lock as
// committed, the library named for this platform (native/stampede-native.linux-x64-gnu.node on
// Linux x64 with glibc), and the TypeScript declarations of the Rust exports generated beside it
// (native/stampede-native.d.ts, which src/native/load.ts imports). `npm run build:native` and
// `make build` run this. With --testing it builds the same crate with the `testing` feature
// (exports only tests call) into native/stampede-native-testing.node and its declarations into
// native/stampede-native-testing.d.ts; only the test suites load those; `make test` builds both.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const testing = process.argv.includes('--testing');
const fail = (line) => {
  console.error(`build:native: ${line}`);
  process.exit(1);
};

// rustup installs into ~/.cargo/bin, which a non-login shell may not have on PATH.
const path = [process.env.PATH, join(homedir(), '.cargo', 'bin')].filter(Boolean).join(delimiter);
if (spawnSync('cargo', ['--version'], { env: { ...process.env, PATH: path } }).status !== 0) {
  fail('cargo not found; install the Rust toolchain (rustup, Rust 1.88 or newer) and run `make build` again');
}
const napi = join(root, 'node_modules', '@napi-rs', 'cli', 'dist', 'cli.js');
if (!existsSync(napi)) fail(`${napi} is missing; run \`npm ci\` (make install does) for @napi-rs/cli`);

// napi writes <binaryName>.<platform>.node and the declarations into the output folder; the
// testing build goes through a scratch folder so it never replaces the addon users run.
const outputDir = testing ? mkdtempSync(join(tmpdir(), 'stampede-native-testing-')) : here;
const dts = testing ? 'stampede-native-testing.d.ts' : 'stampede-native.d.ts';
const args = [napi, 'build', '--platform', '--release', '--manifest-path', join(here, 'Cargo.toml'), '--package-json-path', join(root, 'package.json'), '--output-dir', outputDir, '--dts', dts, '--no-js', '--no-dts-header', ...(testing ? ['--features', 'testing'] : []), '--', '--locked', '--lib'];
const env = { ...process.env, PATH: path, CARGO_TARGET_DIR: process.env.CARGO_TARGET_DIR ?? join(here, 'target') };
const build = spawnSync(process.execPath, args, { stdio: 'inherit', env, cwd: root });
if (build.status !== 0) fail(`\`napi ${args.slice(1).join(' ')}\` failed (exit ${build.status ?? build.signal})`);

const built = readdirSync(outputDir).filter((name) => /^stampede-native\.[\w-]+\.node$/.test(name));
if (built.length !== 1) fail(`napi build succeeded but left ${built.length} addons in ${outputDir} (${built.join(', ')})`);
if (testing) {
  // Copy then rename: a running process may have the old addon mapped, and overwriting a mapped
  // library in place would corrupt it; a rename gives the new file a new inode.
  const output = join(here, 'stampede-native-testing.node');
  copyFileSync(join(outputDir, built[0]), `${output}.tmp`);
  renameSync(`${output}.tmp`, output);
  copyFileSync(join(outputDir, dts), join(here, dts));
  rmSync(outputDir, { recursive: true, force: true });
  console.log(`build:native: ${output}`);
} else {
  console.log(`build:native: ${join(here, built[0])}`);
}
