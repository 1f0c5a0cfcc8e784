import os from 'node:os';

/** The one place that knows which JavaScript runtime we are on. */
export type RuntimeName = 'node' | 'bun' | 'deno';

const globals = globalThis as { Bun?: { version: string }; Deno?: { version: { deno: string } } };

export function runtimeName(): RuntimeName {
  if (globals.Bun) return 'bun';
  if (globals.Deno) return 'deno';
  return 'node';
}

export function runtimeVersion(): string {
  if (globals.Bun) return globals.Bun.version;
  if (globals.Deno) return globals.Deno.version.deno;
  return process.versions.node;
}

/**
 * Wall clock in µs since the Unix epoch, with sub-ms resolution: the only clock that crosses
 * threads, processes and hosts. timeOrigin is per thread in every runtime, so the sum is comparable.
 */
export const wallClockUs = (): number => (performance.timeOrigin + performance.now()) * 1000;

export interface HostFacts {
  hostname: string;
  platform: string;
  release: string;
  arch: string;
  cpuModel: string;
  cpus: number;
  memoryBytes: number;
}

export function hostFacts(): HostFacts {
  const cpus = os.cpus();
  return {
    hostname: os.hostname(),
    platform: os.platform(),
    release: os.release(),
    arch: os.arch(),
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cpus: typeof os.availableParallelism === 'function' ? os.availableParallelism() : cpus.length,
    memoryBytes: os.totalmem(),
  };
}
