import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';
import { nativeAddonFile } from './addon-file.js';
import { projectRoot } from './paths.js';

/**
 * What runs when stampede runs: the CLI entry, the compiled code, the native addon and the package
 * manifest. Configs, docs and dependencies are left out: they do not change what an agent measures.
 */
export const kBuildPaths = ['package.json', 'bin', join('dist', 'src'), join('dist', 'workers'), join('native', nativeAddonFile)] as const;

/** Every file under `path` (a file or a directory), relative to `root`, '/'-separated, sorted. */
function filesUnder(root: string, path: string): string[] {
  const full = join(root, path);
  let stat;
  try {
    stat = statSync(full);
  } catch {
    return []; // absent (e.g. a build without the addon): the id still says which bytes there are
  }
  if (!stat.isDirectory()) return [path.split(sep).join('/')];
  return readdirSync(full)
    .sort()
    .flatMap((name) => filesUnder(root, join(path, name)));
}

/**
 * The build id: the first 12 hex digits of a SHA-256 over every file of kBuildPaths (its path and
 * its bytes, in a fixed order). Two copies with the same id run the same bytes, whatever their
 * version string says; `stampede hosts install` makes every host's id this coordinator's.
 */
export function computeBuildId(root: string = projectRoot): string {
  const hash = createHash('sha256');
  for (const file of kBuildPaths.flatMap((path) => filesUnder(root, path))) {
    const bytes = readFileSync(join(root, file));
    hash.update(`${file}\0${bytes.length}\0`);
    hash.update(bytes);
  }
  return hash.digest('hex').slice(0, 12);
}

let cached: string | undefined;

/** This process's build id, computed once (≈20 ms for ~7 MB) and only where it is needed. */
export const buildId = (): string => (cached ??= computeBuildId());
