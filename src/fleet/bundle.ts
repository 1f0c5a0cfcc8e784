import { spawn } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative, sep } from 'node:path';
import { StampedeError } from '../errors.js';
import { nativeAddonFile } from '../addon-file.js';
import { projectRoot } from '../paths.js';
import { lastErrorLine } from './ssh.js';

/**
 * Whether one file of a production dependency goes into the bundle. Dependencies ship as built
 * here, minus what only a compiler needed: object files and archives, node-gyp's intermediate
 * directories, and a node-gyp package's top-level `deps/` (the C library sources it was built
 * from; node-rdkafka's librdkafka tree is 466 MB of sources and objects, its runtime is
 * build/Release + build/deps/*.so). Nested node_modules are listed as packages of their own.
 * `path` is relative to the package's directory, '/'-separated.
 */
export function shipsDependencyFile(path: string, isNodeGypPackage: boolean): boolean {
  const parts = path.split('/');
  if (parts.some((part) => part === 'node_modules' || part === 'obj.target' || part === '.deps')) return false;
  if (isNodeGypPackage && parts[0] === 'deps') return false;
  return !/\.(o|a)$/.test(path);
}

/** Runs a command in the project root; resolves with its stdout, or rejects naming `what` and its last stderr line. */
function run(what: string, command: string, args: readonly string[], okCodes: readonly number[] = [0]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: projectRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', (err) => reject(new StampedeError('E_HOST', `${what}: ${command} could not start (${err.message})`)));
    child.on('close', (code) => (okCodes.includes(code ?? -1) ? resolve(stdout) : reject(new StampedeError('E_HOST', `${what} failed: ${lastErrorLine(stderr) || `${command} exited ${code}`}`))));
  });
}

/** The package's own files, exactly as `npm pack` would put them in its tarball ("files" in package.json). */
async function packageFiles(): Promise<string[]> {
  const listing = JSON.parse(await run('listing the package (npm pack --dry-run)', 'npm', ['pack', '--dry-run', '--json', '--ignore-scripts'])) as { files: { path: string }[] }[];
  // The addon ships in a platform package, not in stampede's own: a checkout's build goes along
  // at the path src/native/load.ts looks at first.
  const addon = `native/${nativeAddonFile}`;
  return [...listing[0]!.files.map((file) => file.path), ...(existsSync(join(projectRoot, addon)) ? [addon] : [])];
}

/** The installed production dependency packages (dev dependencies left out), relative to the project root. */
async function productionPackages(): Promise<string[]> {
  // `npm ls` exits 1 on problems such as an extraneous package; the paths it prints are still the tree.
  const parseable = await run('listing the production dependencies (npm ls --omit=dev)', 'npm', ['ls', '--omit=dev', '--all', '--parseable'], [0, 1]);
  const dirs = parseable
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => isAbsolute(line))
    .map((line) => relative(projectRoot, line))
    .filter((dir) => dir !== '' && dir.startsWith(`node_modules${sep}`));
  const missing = dirs.filter((dir) => !existsSync(join(projectRoot, dir, 'package.json')));
  if (missing.length > 0) throw new StampedeError('E_HOST', `this build's dependencies are incomplete (${missing.join(', ')} missing): run npm ci here first`);
  return dirs;
}

/** Files (and symlinks) under one dependency package that ship, relative to the project root. */
function dependencyFiles(packageDir: string): string[] {
  const root = join(projectRoot, packageDir);
  const isNodeGypPackage = existsSync(join(root, 'binding.gyp'));
  const found: string[] = [];
  const walk = (relativeDir: string): void => {
    for (const name of readdirSync(join(root, relativeDir)).sort()) {
      const path = relativeDir === '' ? name : `${relativeDir}/${name}`;
      if (!shipsDependencyFile(path, isNodeGypPackage)) continue;
      const stat = lstatSync(join(root, path));
      if (stat.isDirectory()) walk(path);
      else found.push(`${packageDir.split(sep).join('/')}/${path}`);
    }
  };
  walk('');
  return found;
}

export interface Bundle {
  /** a gzipped tar: the package's files and node_modules/ with its production dependencies, at its root */
  tarball: string;
  bytes: number;
  files: number;
  cleanup(): void;
}

/**
 * This build as one self-contained tarball: what `npm pack` ships (compiled code, the native addon
 * built here, configs) plus the production dependencies installed here, already built for this
 * platform. A host then needs no registry, compiler or network: only `tar` and the runtime. One
 * tarball for every host, so every agent runs the same bytes.
 */
export async function bundleThisBuild(): Promise<Bundle> {
  const [own, packages] = await Promise.all([packageFiles(), productionPackages()]);
  const files = [...own, ...packages.flatMap(dependencyFiles)];
  const dir = mkdtempSync(join(tmpdir(), 'stampede-bundle-'));
  const cleanup = (): void => rmSync(dir, { recursive: true, force: true });
  try {
    const list = join(dir, 'files.txt');
    writeFileSync(list, `${files.join('\n')}\n`);
    const tarball = join(dir, 'stampede.tgz');
    // --no-recursion: the list is complete (directories are made on extraction); -h is not used, so
    // a symlink inside a package ships as a symlink.
    await run('packing this build (tar)', 'tar', ['-czf', tarball, '-C', projectRoot, '--no-recursion', '-T', list]);
    return { tarball, bytes: statSync(tarball).size, files: files.length, cleanup };
  } catch (err) {
    cleanup();
    throw err;
  }
}
