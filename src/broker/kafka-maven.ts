import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { StampedeError } from '../errors.js';
import { configsDir } from '../paths.js';

/**
 * The other way to the same jars: Maven resolves configs/broker/pom.xml (with its own settings.xml,
 * mirrors and proxies) into libsDir. For sites where Maven is already set up for a closed network.
 */
export function resolveKafkaWithMaven(libsDir: string, kafkaJar: string): void {
  const pom = join(configsDir, 'broker', 'pom.xml');
  const scratch = `${libsDir}.partial-${process.pid}`;
  rmSync(scratch, { recursive: true, force: true });
  try {
    const mvn = spawnSync('mvn', ['-B', '-q', '-f', pom, 'dependency:copy-dependencies', `-DoutputDirectory=${scratch}`, '-DincludeScope=runtime'], { encoding: 'utf8' });
    if (mvn.error) throw new StampedeError('E_LOCAL_BROKER', `cannot run mvn to resolve Kafka (${mvn.error.message}); drop --kafka-from maven and stampede fetches the jars itself`);
    if (mvn.status !== 0 || !existsSync(join(scratch, kafkaJar))) {
      const tail = `${mvn.stdout}\n${mvn.stderr}`.trim().split('\n').slice(-5).join(' | ');
      throw new StampedeError('E_LOCAL_BROKER', `mvn could not resolve Kafka from ${pom}: ${tail}`);
    }
    mkdirSync(dirname(libsDir), { recursive: true });
    if (!existsSync(libsDir)) renameSync(scratch, libsDir);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
