import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** The major version `java -version` reports ("25.0.1" → 25, "1.8.0" → 8), or undefined. */
function majorOf(javaBin: string): number | undefined {
  const result = spawnSync(javaBin, ['-version'], { encoding: 'utf8', timeout: 20_000 });
  const match = /version "(\d+)(?:\.(\d+))?/.exec(`${result.stderr ?? ''}${result.stdout ?? ''}`);
  if (!match) return undefined;
  return match[1] === '1' ? Number(match[2]) : Number(match[1]);
}

/**
 * A java binary of at least `minMajor`: JAVA_HOME's, the one on PATH, then each JDK under
 * /usr/lib/jvm (Debian's place for them), newest first. Found by asking each its version, so a
 * machine with Java 17 as default and a newer JDK beside it works without configuration.
 */
export function findJava(minMajor: number): string {
  const candidates: string[] = [];
  if (process.env['JAVA_HOME']) candidates.push(join(process.env['JAVA_HOME'], 'bin', 'java'));
  candidates.push('java');
  const jvmDir = '/usr/lib/jvm';
  if (existsSync(jvmDir)) {
    for (const name of readdirSync(jvmDir).sort().reverse()) {
      const bin = join(jvmDir, name, 'bin', 'java');
      if (existsSync(bin)) candidates.push(bin);
    }
  }
  const seen: string[] = [];
  for (const candidate of candidates) {
    const major = majorOf(candidate);
    if (major !== undefined && major >= minMajor) return candidate;
    seen.push(`${candidate}: ${major ?? 'none'}`);
  }
  throw new Error(`no Java ${minMajor}+ found (JAVA_HOME, PATH, /usr/lib/jvm; seen ${seen.join(', ')})`);
}
