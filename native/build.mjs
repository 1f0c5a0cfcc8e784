#!/usr/bin/env node
// Builds the addon (cargo, release, Cargo.lock as committed) and puts it where src/native/load.ts
// looks for it: native/stampede-native.node. `npm run build:native` runs this; so does `make build`.
// With --testing it builds the same crate with the `testing` feature (exports only tests call) into
// native/stampede-native-testing.node, which only the test suites load; `make test` builds both.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, renameSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const targetDir = process.env.CARGO_TARGET_DIR ?? join(here, 'target');
const libraryFile = { darwin: 'libstampede_native.dylib', win32: 'stampede_native.dll' }[process.platform] ?? 'libstampede_native.so';
const testing = process.argv.includes('--testing');
const output = join(here, testing ? 'stampede-native-testing.node' : 'stampede-native.node');

// rustup installs into ~/.cargo/bin, which a non-login shell may not have on PATH.
const cargo = [process.env.CARGO, 'cargo', join(homedir(), '.cargo', 'bin', 'cargo')].find((candidate) => candidate && spawnSync(candidate, ['--version']).status === 0);
if (!cargo) {
  console.error('build:native: cargo not found; install the Rust toolchain (rustup, Rust 1.88 or newer) and run `make build` again');
  process.exit(1);
}

const args = ['build', '--release', '--locked', '--lib', '--manifest-path', join(here, 'Cargo.toml'), ...(testing ? ['--features', 'testing'] : [])];
const build = spawnSync(cargo, args, { stdio: 'inherit', env: { ...process.env, CARGO_TARGET_DIR: targetDir } });
if (build.status !== 0) {
  console.error(`build:native: \`cargo ${args.join(' ')}\` failed (exit ${build.status ?? build.signal})`);
  process.exit(1);
}

const built = join(targetDir, 'release', libraryFile);
if (!existsSync(built)) {
  console.error(`build:native: cargo succeeded but ${built} is missing`);
  process.exit(1);
}
// Copy then rename: a running process may have the old addon mapped, and overwriting a mapped
// library in place would corrupt it; a rename gives the new file a new inode.
copyFileSync(built, `${output}.tmp`);
renameSync(`${output}.tmp`, output);
console.log(`build:native: ${output}`);
