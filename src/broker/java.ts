import { spawnSync } from 'node:child_process';
import { StampedeError } from '../errors.js';

const kNeedsJava = 'the local broker needs Java 17+; stampede itself does not';

/** The major version in `java -version` output: `openjdk version "17.0.9"` → 17, `"1.8.0_392"` → 8. */
export function javaMajorVersion(versionOutput: string): number | undefined {
  const match = /version "(\d+)(?:\.(\d+))?/.exec(versionOutput);
  if (!match) return undefined;
  const first = Number(match[1]);
  return first === 1 && match[2] !== undefined ? Number(match[2]) : first;
}

/** Throws one line (exit 2) when no Java 17+ is on the PATH; the rest of stampede never needs one. */
export function requireJava17(): void {
  const probe = spawnSync('java', ['-version'], { encoding: 'utf8', timeout: 30_000 });
  if (probe.error || probe.status !== 0) throw new StampedeError('E_LOCAL_BROKER', kNeedsJava);
  const major = javaMajorVersion(`${probe.stderr}\n${probe.stdout}`);
  if (major !== undefined && major < 17) throw new StampedeError('E_LOCAL_BROKER', `${kNeedsJava} (the java on the PATH is ${major})`);
}
