import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunSeries } from './inputs.js';
import { decodeHdr, LATENCY_KINDS } from '../histogram/latency-kinds.js';
import { hdrOf } from './latency-hdr.js';

/** Values are recorded in µs; the files hold ms, which is what latency plots are read in. */
export const kHgrmUnitScalingRatio = 1000;
const kTicksPerHalfDistance = 5; // HdrHistogram's default: the rows Java's tools print

/**
 * HdrHistogram's percentile-distribution text (`outputPercentileDistribution`: Value, Percentile,
 * TotalCount, 1/(1-Percentile) and the #[Mean/Max/Buckets] footer), readable by its plotter
 * (plotFiles.html) and hdr-plot. The header lines start with `#`, which those readers skip.
 */
export function hgrmText(base64: string, what: string): string {
  const histogram = decodeHdr(base64);
  const header = [
    `# stampede ${what}`,
    `# Value in milliseconds: recorded in microseconds, written with outputValueUnitScalingRatio ${kHgrmUnitScalingRatio}`,
    '',
  ].join('\n');
  return `${header}${histogram.outputPercentileDistribution(kTicksPerHalfDistance, kHgrmUnitScalingRatio)}`;
}

const safeName = (label: string): string => label.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^_+|_+$/g, '') || 'run';

/**
 * One .hgrm per latency kind per run into `dir`: `produce-ack.hgrm`, `e2e.hgrm`, `publish-delay.hgrm`
 * for a single run, prefixed with the run's label when there are several. Returns the paths written.
 */
export function writeHgrmFiles(dir: string, series: readonly RunSeries[]): string[] {
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  for (const { label, run } of series) {
    for (const kind of LATENCY_KINDS) {
      const base64 = hdrOf(run, kind.key);
      if (base64 === null) continue;
      const path = join(dir, series.length > 1 ? `${safeName(label)}-${kind.slug}.hgrm` : `${kind.slug}.hgrm`);
      writeFileSync(path, hgrmText(base64, `${kind.title} latency of ${label} (${run.startedAt})`));
      written.push(path);
    }
  }
  return written;
}
