import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runStampedeConsume } from './peers.js';

/** Lines of `perf report` kept per build: the top symbols by their own samples. */
const kTopLines = 30;

/**
 * One more `stampede consume --format none` of each build under `perf record` (after the measured
 * rounds, so the sampling does not slow them), and each one's top symbols by self samples
 * (`perf report --no-children --sort dso,symbol`) written to `<dir>/<build>.txt` and printed.
 */
export async function profileReads(options: { bootstrap: string; brokerPid: number; topic: string; records: number; dir: string; workDir: string; baseline: string | undefined }): Promise<void> {
  mkdirSync(options.dir, { recursive: true });
  const builds = [{ label: 'this-build', root: undefined as string | undefined }, ...(options.baseline ? [{ label: 'baseline', root: options.baseline }] : [])];
  for (const build of builds) {
    const data = join(options.dir, `${build.label}.perf.data`);
    const read = await runStampedeConsume({ ...options, format: 'none', root: build.root, out: join(options.workDir, `profile-${build.label}.json`), wrapper: ['perf', 'record', '-F', '999', '-o', data, '--'] });
    if (read.error) {
      console.log(`profile ${build.label}: ${read.error}`);
      continue;
    }
    const report = spawnSync('perf', ['report', '-i', data, '--stdio', '--no-children', '--sort', 'dso,symbol', '--percent-limit', '0.5'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    // perf pads its columns to the terminal's width: one space between columns is enough here.
    const lines = report.stdout
      .split('\n')
      .filter((line) => line.trim() !== '' && !line.startsWith('#'))
      .map((line) => line.replace(/\s+-\s+-\s*$/, '').replace(/\s{2,}/g, '  ').trimEnd());
    const text = [`# ${read.command} (under perf record -F 999): ${read.recordsPerSec} rec/s`, ...lines.slice(0, kTopLines)].join('\n');
    writeFileSync(join(options.dir, `${build.label}.txt`), `${text}\n`);
    console.log(`\nprofile ${build.label}:\n${text}`);
  }
}
