/**
 * Hand-written SVG charts: a line chart (linear or log-10 x axis) and a grouped bar chart. Drawn in
 * Node at report time, so the page needs no script and no library, opens without a network and
 * prints as it shows. Hover titles give each point's exact value.
 */
import { escapeHtml } from './escape.js';

export interface LinePoint {
  x: number;
  y: number;
  /** shown on hover */
  title?: string;
}

export interface LineSeries {
  name: string;
  color: string;
  points: readonly LinePoint[];
  dash?: 'solid' | 'dashed' | 'dotted';
}

/** A shaded x range (warmup, drain). */
export interface Band {
  from: number;
  to: number;
  color: string;
  label: string;
}

export interface Axis {
  label: string;
  /** log: values are plotted at log10(value) and ticks come from `ticks` */
  scale?: 'linear' | 'log';
  ticks?: readonly { value: number; label: string }[];
  format?: (value: number) => string;
  /** the axis starts at zero even when every value is higher */
  fromZero?: boolean;
}

export interface LineChart {
  id: string;
  title: string;
  x: Axis;
  y: Axis;
  series: readonly LineSeries[];
  bands?: readonly Band[];
}

const kWidth = 900;
const kHeight = 320;
const kMargin = { left: 78, right: 40, top: 16, bottom: 52 };
const plotWidth = kWidth - kMargin.left - kMargin.right;
const plotHeight = kHeight - kMargin.top - kMargin.bottom;

/** About `count` round tick values covering [min, max] (1, 2, 5 × 10^k steps). */
export function niceTicks(min: number, max: number, count = 6): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [0, 1];
  if (max <= min) max = min + (min === 0 ? 1 : Math.abs(min));
  const rough = (max - min) / count;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * power).find((candidate) => candidate >= rough) ?? 10 * power;
  const ticks: number[] = [];
  const first = Math.floor(min / step);
  // The last tick is the first at or above max, so every value lies inside the axis.
  for (let i = first; ; i++) {
    ticks.push(+(i * step).toPrecision(12));
    if (i * step >= max - step * 1e-9 || ticks.length > 100) break;
  }
  return ticks;
}

export const formatTick = (value: number): string => {
  const abs = Math.abs(value);
  if (abs >= 1e6) return `${+(value / 1e6).toFixed(2)}M`;
  if (abs >= 1e3) return `${+(value / 1e3).toFixed(2)}k`;
  return `${+value.toFixed(3)}`;
};

const dashArray = { solid: '', dashed: '7 4', dotted: '2 3' } as const;

interface Scale {
  toPx(value: number): number;
  ticks: { value: number; label: string }[];
}

function scaleFor(axis: Axis, values: number[], pixels: number, invert: boolean): Scale {
  const transform = axis.scale === 'log' ? (v: number) => Math.log10(Math.max(v, 1e-12)) : (v: number) => v;
  let ticks: { value: number; label: string }[];
  let lo: number;
  let hi: number;
  if (axis.ticks && axis.ticks.length > 1) {
    ticks = [...axis.ticks];
    lo = Math.min(...ticks.map((t) => transform(t.value)), ...values.map(transform));
    hi = Math.max(...ticks.map((t) => transform(t.value)), ...values.map(transform));
  } else {
    const finite = values.filter(Number.isFinite);
    const min = finite.length === 0 ? 0 : Math.min(...finite);
    const max = finite.length === 0 ? 1 : Math.max(...finite);
    const values2 = niceTicks(axis.fromZero ? Math.min(0, min) : min, max);
    ticks = values2.map((value) => ({ value, label: (axis.format ?? formatTick)(value) }));
    lo = values2[0]!;
    hi = values2[values2.length - 1]!;
  }
  if (hi <= lo) hi = lo + 1;
  const toPx = (value: number): number => {
    const share = (transform(value) - lo) / (hi - lo);
    return invert ? pixels - share * pixels : share * pixels;
  };
  return { toPx, ticks };
}

const n = (value: number): string => value.toFixed(1);

function axesSvg(x: Scale, y: Scale, xLabel: string, yLabel: string): string {
  const parts: string[] = [];
  for (const tick of y.ticks) {
    const py = n(kMargin.top + y.toPx(tick.value));
    parts.push(`<line class="grid" x1="${kMargin.left}" x2="${kMargin.left + plotWidth}" y1="${py}" y2="${py}"/>`);
    parts.push(`<text class="tick" x="${kMargin.left - 6}" y="${py}" text-anchor="end" dominant-baseline="middle">${escapeHtml(tick.label)}</text>`);
  }
  for (const tick of x.ticks) {
    const px = n(kMargin.left + x.toPx(tick.value));
    parts.push(`<line class="grid" x1="${px}" x2="${px}" y1="${kMargin.top}" y2="${kMargin.top + plotHeight}"/>`);
    parts.push(`<text class="tick" x="${px}" y="${kMargin.top + plotHeight + 16}" text-anchor="middle">${escapeHtml(tick.label)}</text>`);
  }
  parts.push(`<rect class="frame" x="${kMargin.left}" y="${kMargin.top}" width="${plotWidth}" height="${plotHeight}"/>`);
  parts.push(`<text class="axis-label" x="${kMargin.left + plotWidth / 2}" y="${kHeight - 10}" text-anchor="middle">${escapeHtml(xLabel)}</text>`);
  parts.push(`<text class="axis-label" transform="translate(16 ${kMargin.top + plotHeight / 2}) rotate(-90)" text-anchor="middle">${escapeHtml(yLabel)}</text>`);
  return parts.join('');
}

const svgOpen = (id: string, title: string): string =>
  `<svg class="chart" id="${escapeHtml(id)}" data-chart="${escapeHtml(id)}" viewBox="0 0 ${kWidth} ${kHeight}" role="img" aria-label="${escapeHtml(title)}" xmlns="http://www.w3.org/2000/svg">`;

export function lineChartSvg(chart: LineChart): string {
  const xs = chart.series.flatMap((s) => s.points.map((p) => p.x)).concat((chart.bands ?? []).flatMap((b) => [b.from, b.to]));
  const ys = chart.series.flatMap((s) => s.points.map((p) => p.y));
  const x = scaleFor(chart.x, xs, plotWidth, false);
  const y = scaleFor(chart.y, ys, plotHeight, true);
  const parts = [svgOpen(chart.id, chart.title)];
  for (const band of chart.bands ?? []) {
    const from = kMargin.left + x.toPx(band.from);
    const width = Math.max(1, x.toPx(band.to) - x.toPx(band.from));
    parts.push(`<rect class="band" x="${n(from)}" y="${kMargin.top}" width="${n(width)}" height="${plotHeight}" fill="${band.color}"><title>${escapeHtml(band.label)}</title></rect>`);
  }
  parts.push(axesSvg(x, y, chart.x.label, chart.y.label));
  for (const series of chart.series) {
    if (series.points.length === 0) continue;
    const d = series.points.map((p, i) => `${i === 0 ? 'M' : 'L'}${n(kMargin.left + x.toPx(p.x))},${n(kMargin.top + y.toPx(p.y))}`).join('');
    const dash = dashArray[series.dash ?? 'solid'];
    parts.push(`<path class="series" d="${d}" stroke="${series.color}"${dash ? ` stroke-dasharray="${dash}"` : ''}><title>${escapeHtml(series.name)}</title></path>`);
    // Points carry hover titles; drawn small so a dense line stays a line.
    for (const p of series.points) {
      if (p.title === undefined) continue;
      parts.push(`<circle class="point" cx="${n(kMargin.left + x.toPx(p.x))}" cy="${n(kMargin.top + y.toPx(p.y))}" r="2.2" fill="${series.color}"><title>${escapeHtml(p.title)}</title></circle>`);
    }
  }
  parts.push('</svg>');
  return parts.join('');
}

export interface BarChart {
  id: string;
  title: string;
  categories: readonly string[];
  yLabel: string;
  xLabel: string;
  groups: readonly { name: string; color: string; values: readonly (number | null)[]; titles?: readonly string[] }[];
}

/** Bars per category, one per group side by side. */
export function barChartSvg(chart: BarChart): string {
  const values = chart.groups.flatMap((g) => g.values.filter((v): v is number => v !== null));
  const y = scaleFor({ label: chart.yLabel, fromZero: true }, [0, ...values], plotHeight, true);
  const slot = plotWidth / Math.max(1, chart.categories.length);
  const barWidth = Math.max(1, (slot * 0.8) / Math.max(1, chart.groups.length));
  const parts = [svgOpen(chart.id, chart.title)];
  for (const tick of y.ticks) {
    const py = n(kMargin.top + y.toPx(tick.value));
    parts.push(`<line class="grid" x1="${kMargin.left}" x2="${kMargin.left + plotWidth}" y1="${py}" y2="${py}"/>`);
    parts.push(`<text class="tick" x="${kMargin.left - 6}" y="${py}" text-anchor="end" dominant-baseline="middle">${escapeHtml(tick.label)}</text>`);
  }
  const labelEvery = Math.ceil(chart.categories.length / 24); // keep category labels legible
  chart.categories.forEach((category, c) => {
    const left = kMargin.left + c * slot + slot * 0.1;
    chart.groups.forEach((group, g) => {
      const value = group.values[c];
      if (value === null || value === undefined) return;
      const top = kMargin.top + y.toPx(value);
      const title = group.titles?.[c] ?? `${group.name} · ${category}: ${formatTick(value)}`;
      parts.push(`<rect class="bar" x="${n(left + g * barWidth)}" y="${n(top)}" width="${n(barWidth)}" height="${n(kMargin.top + plotHeight - top)}" fill="${group.color}"><title>${escapeHtml(title)}</title></rect>`);
    });
    if (c % labelEvery === 0) parts.push(`<text class="tick" x="${n(kMargin.left + (c + 0.5) * slot)}" y="${kMargin.top + plotHeight + 16}" text-anchor="middle">${escapeHtml(category)}</text>`);
  });
  parts.push(`<rect class="frame" x="${kMargin.left}" y="${kMargin.top}" width="${plotWidth}" height="${plotHeight}"/>`);
  parts.push(`<text class="axis-label" x="${kMargin.left + plotWidth / 2}" y="${kHeight - 10}" text-anchor="middle">${escapeHtml(chart.xLabel)}</text>`);
  parts.push(`<text class="axis-label" transform="translate(16 ${kMargin.top + plotHeight / 2}) rotate(-90)" text-anchor="middle">${escapeHtml(chart.yLabel)}</text>`);
  parts.push('</svg>');
  return parts.join('');
}
