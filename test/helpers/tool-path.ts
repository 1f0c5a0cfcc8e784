import { execFileSync } from 'node:child_process';
import { mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A folder of symlinks to just the named programs, to use as PATH: a user's machine that has these
 * and nothing else (no cargo, cc, make, mvn). A program that is not installed here fails the test
 * that asked for it, naming it.
 */
export function pathWithOnly(programs: readonly string[], locations: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'stampede-path-'));
  for (const program of programs) {
    const target = locations[program] ?? execFileSync('sh', ['-c', `command -v ${program}`], { encoding: 'utf8' }).trim();
    if (!target) throw new Error(`${program} is not on this machine's PATH`);
    symlinkSync(target, join(dir, program));
  }
  return dir;
}
