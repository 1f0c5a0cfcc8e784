#!/usr/bin/env node
// Packs what a release publishes, from a built checkout (`make build`), into --out (default
// results/pack): the main package (stampede-<version>.tgz: JavaScript, configs, no addon) and the
// platform package of this machine (stampede-linux-x64-gnu-<version>.tgz here: the addon alone).
// As `napi pre-publish` does before a release, the main package's manifest gets one
// optionalDependency per target of package.json's napi.targets, so npm installs only the one whose
// os/cpu/libc match the user's machine. The checkout's own package.json is never rewritten: the
// main package is staged in a scratch folder.
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const outIndex = process.argv.indexOf('--out');
const out = resolve(outIndex > 0 ? process.argv[outIndex + 1] : join(root, 'results', 'pack'));
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const binaryName = manifest.napi.binaryName;

/** napi's name for this machine's target: linux-x64-gnu, darwin-arm64, win32-x64-msvc… */
function hostPlatform() {
  if (process.platform === 'linux') {
    const glibc = process.report?.getReport?.().header?.glibcVersionRuntime;
    return `linux-${process.arch}-${glibc ? 'gnu' : 'musl'}`;
  }
  return process.platform === 'win32' ? `win32-${process.arch}-msvc` : `${process.platform}-${process.arch}`;
}

const npmPack = (dir) => execFileSync('npm', ['pack', '--silent', '--pack-destination', out], { cwd: dir, encoding: 'utf8' }).trim().split('\n').pop();
mkdirSync(out, { recursive: true });

// The platform package: npm/<platform>/package.json (napi create-npm-dirs) beside the built addon.
const platform = hostPlatform();
const platformDir = join(root, 'npm', platform);
const addon = `${binaryName}.${platform}.node`;
if (!existsSync(join(platformDir, 'package.json'))) throw new Error(`no ${platformDir}/package.json: ${platform} is not among package.json's napi.targets`);
if (!existsSync(join(root, 'native', addon))) throw new Error(`no native/${addon}: run \`make build\` first`);
copyFileSync(join(root, 'native', addon), join(platformDir, addon));
const platformTarball = npmPack(platformDir);

// The main package, staged with its optionalDependencies and without the scripts a checkout builds with.
const stage = mkdtempSync(join(tmpdir(), 'stampede-pack-'));
try {
  for (const path of manifest.files) cpSync(join(root, path), join(stage, path), { recursive: true });
  cpSync(join(root, 'README.md'), join(stage, 'README.md'));
  const platformPackages = manifest.napi.targets.map((triple) => JSON.parse(readFileSync(join(root, 'npm', napiPlatformOf(triple), 'package.json'), 'utf8')).name);
  const { scripts: _scripts, devDependencies: _dev, allowScripts: _allow, ...published } = manifest;
  published.optionalDependencies = { ...manifest.optionalDependencies, ...Object.fromEntries(platformPackages.map((name) => [name, manifest.version])) };
  writeFileSync(join(stage, 'package.json'), `${JSON.stringify(published, null, 2)}\n`);
  const mainTarball = npmPack(stage);
  console.log(JSON.stringify({ main: join(out, mainTarball), platform: join(out, platformTarball) }));
} finally {
  rmSync(stage, { recursive: true, force: true });
}

/** A Rust target triple as napi names its platform package: x86_64-unknown-linux-gnu → linux-x64-gnu. */
function napiPlatformOf(triple) {
  const [arch, , os, abi] = triple.split('-');
  const cpu = { x86_64: 'x64', aarch64: 'arm64' }[arch] ?? arch;
  if (os === 'darwin') return `darwin-${cpu}`;
  if (os === 'windows') return `win32-${cpu}-msvc`;
  return `linux-${cpu}-${abi}`;
}
