import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { computeBuildId, kBuildPaths } from '../../../src/build-id.js';
import { shipsDependencyFile } from '../../../src/fleet/bundle.js';
import { installScript } from '../../../src/fleet/install.js';
import { projectRoot } from '../../../src/paths.js';

test('a dependency ships as built here, minus what only its compiler needed', () => {
  assert.ok(shipsDependencyFile('lib/index.js', true));
  assert.ok(shipsDependencyFile('build/Release/node-librdkafka.node', true));
  assert.ok(shipsDependencyFile('build/deps/librdkafka.so.1', true), 'the shared library the addon loads by RUNPATH');
  assert.not.ok(shipsDependencyFile('deps/librdkafka/src/rdkafka.c', true), "a node-gyp package's C sources");
  assert.ok(shipsDependencyFile('deps/helper.js', false), 'deps/ of a plain JS package is code');
  assert.not.ok(shipsDependencyFile('build/Release/obj.target/x/y.o', true));
  assert.not.ok(shipsDependencyFile('build/deps/librdkafka.a', true));
  assert.not.ok(shipsDependencyFile('build/Release/.deps/x.d', true));
  assert.not.ok(shipsDependencyFile('node_modules/nested/index.js', false), 'nested packages are listed on their own');
});

test('the build id follows the bytes that run, not where they are', () => {
  const copy = mkdtempSync(join(tmpdir(), 'stampede-build-id-'));
  try {
    for (const path of kBuildPaths) cpSync(join(projectRoot, path), join(copy, path), { recursive: true });
    mkdirSync(join(copy, 'configs'));
    writeFileSync(join(copy, 'configs', 'extra.yaml'), 'not code\n');
    assert.is(computeBuildId(copy), computeBuildId(projectRoot), 'a copy elsewhere, with other non-code files, is the same build');
    writeFileSync(join(copy, 'dist', 'src', 'extra.js'), '// one more file\n');
    assert.is.not(computeBuildId(copy), computeBuildId(projectRoot), 'one more file of code is another build');
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
});

test('the install script puts the bundle in its own build directory and points .bin/stampede and node_modules/stampede at it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stampede-install-script-'));
  try {
    const bundle = join(dir, 'bundle');
    mkdirSync(join(bundle, 'bin'), { recursive: true });
    writeFileSync(join(bundle, 'bin', 'stampede.js'), '#!/bin/sh\necho ran\n', { mode: 0o755 });
    const tarball = join(dir, 'b.tgz');
    assert.is(spawnSync('tar', ['-czf', tarball, '-C', bundle, 'bin/stampede.js']).status, 0);
    const remote = join(dir, 'remote dir');
    const install = (id: string): void => {
      const ran = spawnSync('sh', ['-c', installScript(remote, id)], { input: spawnSync('cat', [tarball]).stdout });
      assert.is(ran.status, 0, ran.stderr.toString());
    };
    install('aaaaaaaaaaaa');
    install('bbbbbbbbbbbb');
    assert.is(spawnSync(join(remote, 'node_modules', '.bin', 'stampede')).stdout.toString(), 'ran\n');
    assert.is(spawnSync('readlink', [join(remote, 'node_modules', '.bin', 'stampede')]).stdout.toString().trim(), '../.stampede/bbbbbbbbbbbb/bin/stampede.js');
    assert.is(spawnSync('readlink', [join(remote, 'node_modules', 'stampede')]).stdout.toString().trim(), '.stampede/bbbbbbbbbbbb');
    assert.equal(spawnSync('ls', ['-A', join(remote, 'node_modules', '.stampede')]).stdout.toString().trim().split('\n'), ['bbbbbbbbbbbb'], 'the older build is gone, no incoming directory left');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Runs the install script here as ssh would on a host (sh, the bundle on stdin), with a user's usual umask. */
function runInstallScript(remote: string, id: string, tarball: string): { status: number | null; stderr: string } {
  const ran = spawnSync('sh', ['-c', `umask 022\n${installScript(remote, id)}`], { input: spawnSync('cat', [tarball]).stdout });
  return { status: ran.status, stderr: ran.stderr.toString() };
}

test('as root, the installed files belong to the user ssh logs in as, with that user\'s umask, not the archive\'s owners and modes', () => {
  if (process.getuid?.() !== 0) return; // tar keeps owners only as root
  const dir = mkdtempSync(join(tmpdir(), 'stampede-install-owner-'));
  try {
    const bundle = join(dir, 'bundle');
    mkdirSync(join(bundle, 'bin'), { recursive: true });
    writeFileSync(join(bundle, 'bin', 'stampede.js'), '#!/bin/sh\necho ran\n');
    writeFileSync(join(bundle, 'package.json'), '{}\n');
    chmodSync(join(bundle, 'bin'), 0o777);
    chmodSync(join(bundle, 'bin', 'stampede.js'), 0o777);
    chmodSync(join(bundle, 'package.json'), 0o666);
    const tarball = join(dir, 'b.tgz');
    // Packed as another machine's user would be: uid/gid 4242.
    const packed = spawnSync('tar', ['-czf', tarball, '--owner=4242', '--group=4242', '--numeric-owner', '-C', bundle, 'bin', 'bin/stampede.js', 'package.json']);
    assert.is(packed.status, 0, packed.stderr.toString());
    const remote = join(dir, 'remote');
    const ran = runInstallScript(remote, 'cccccccccccc', tarball);
    assert.is(ran.status, 0, ran.stderr);
    const root = join(remote, 'node_modules', '.stampede', 'cccccccccccc');
    const owners = (path: string): string => {
      const stat = statSync(join(root, path));
      return `${path} ${stat.uid}:${stat.gid} ${(stat.mode & 0o7777).toString(8)}`;
    };
    assert.equal(['bin', 'bin/stampede.js', 'package.json'].map(owners), ['bin 0:0 755', 'bin/stampede.js 0:0 755', 'package.json 0:0 644']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a failed install leaves no incoming directory; one a killed install left on this host is removed by the next, one in progress (or another host\'s) is not', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stampede-install-incoming-'));
  try {
    const remote = join(dir, 'remote');
    const builds = join(remote, 'node_modules', '.stampede');
    const broken = join(dir, 'broken.tgz');
    writeFileSync(broken, 'not a gzipped tar\n');
    const failed = runInstallScript(remote, 'dddddddddddd', broken);
    assert.is.not(failed.status, 0, 'tar fails on a broken stream');
    assert.equal(readdirSync(builds), [], 'nothing left behind');

    const node = spawnSync('uname', ['-n']).stdout.toString().trim();
    const deadPid = spawnSync('true').pid; // exited and reaped: no process has it now
    const killed = `.incoming-${node}-${deadPid}`;
    const inProgress = `.incoming-${node}-${process.pid}`;
    const otherHost = `.incoming-some-other-host-${deadPid}`;
    for (const name of [killed, inProgress, otherHost]) mkdirSync(join(builds, name));
    const bundle = join(dir, 'bundle');
    mkdirSync(join(bundle, 'bin'), { recursive: true });
    writeFileSync(join(bundle, 'bin', 'stampede.js'), '#!/bin/sh\necho ran\n', { mode: 0o755 });
    const tarball = join(dir, 'b.tgz');
    assert.is(spawnSync('tar', ['-czf', tarball, '-C', bundle, 'bin/stampede.js']).status, 0);
    const installed = runInstallScript(remote, 'eeeeeeeeeeee', tarball);
    assert.is(installed.status, 0, installed.stderr);
    assert.ok(existsSync(join(builds, 'eeeeeeeeeeee', 'bin', 'stampede.js')));
    assert.equal(readdirSync(builds).sort(), [inProgress, otherHost, 'eeeeeeeeeeee'].sort());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
