import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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

test.run();
