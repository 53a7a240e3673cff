/**
 * Small static SVG charts for the report, written as text: grouped bars (one group per
 * workload, one bar per strategy), a linear or a log scale, a legend. No fonts or
 * scripts are referenced, so the files render anywhere and are byte-identical across runs.
 */

export interface BarChart {
  readonly title: string;
  readonly yLabel: string;
  readonly groups: readonly string[];
  readonly series: readonly string[];
  /** values[group][series]. */
  readonly values: readonly (readonly number[])[];
  /** Log10 scale (for figures spanning orders of magnitude); zeros sit on the axis. */
  readonly log?: boolean;
  /** Upper end of a linear scale (default: the largest value). */
  readonly max?: number;
}

const COLORS = ['#9e9e9e', '#e15759', '#4e79a7', '#59a14f', '#f28e2b', '#b07aa1'];
const W = 760;
const H = 340;
const M = { top: 40, right: 150, bottom: 70, left: 70 };

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function num(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(1);
}

function tickLabel(v: number): string {
  if (v >= 1e6) return `${num(v / 1e6)}M`;
  if (v >= 1e3) return `${num(v / 1e3)}k`;
  return Number.isInteger(v) ? String(v) : v.toFixed(2);
}

export function barChartSvg(c: BarChart): string {
  const plotW = W - M.left - M.right;
  const plotH = H - M.top - M.bottom;
  const all = c.values.flat();
  const maxV = Math.max(c.max ?? 0, ...all, c.log ? 10 : 1e-9);
  let scale: (v: number) => number;
  let ticks: number[];
  if (c.log) {
    const top = Math.ceil(Math.log10(maxV));
    scale = (v) => (v <= 1 ? 0 : (Math.log10(v) / top) * plotH);
    ticks = Array.from({ length: top + 1 }, (_, i) => 10 ** i);
  } else {
    scale = (v) => (v / maxV) * plotH;
    ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => f * maxV);
  }
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`);
  parts.push(`<rect width="${W}" height="${H}" fill="#ffffff"/>`);
  parts.push(`<text x="${W / 2}" y="20" text-anchor="middle" font-size="14" font-weight="bold">${esc(c.title)}</text>`);
  const y0 = M.top + plotH;
  for (const t of ticks) {
    const y = (y0 - scale(t)).toFixed(1);
    parts.push(`<line x1="${M.left}" x2="${M.left + plotW}" y1="${y}" y2="${y}" stroke="#e0e0e0"/>`);
    parts.push(`<text x="${M.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${tickLabel(t)}</text>`);
  }
  parts.push(`<text transform="translate(16 ${M.top + plotH / 2}) rotate(-90)" text-anchor="middle">${esc(c.yLabel)}${c.log ? ' (log scale)' : ''}</text>`);
  const groupW = plotW / Math.max(1, c.groups.length);
  const barW = (groupW * 0.8) / Math.max(1, c.series.length);
  c.groups.forEach((g, gi) => {
    const gx = M.left + gi * groupW + groupW * 0.1;
    c.series.forEach((s, si) => {
      const v = c.values[gi]?.[si] ?? 0;
      const h = Math.max(0, scale(v));
      const x = (gx + si * barW).toFixed(1);
      parts.push(
        `<rect x="${x}" y="${(y0 - h).toFixed(1)}" width="${(barW - 1).toFixed(1)}" height="${h.toFixed(1)}" fill="${COLORS[si % COLORS.length]}"><title>${esc(`${g} / ${s}: ${tickLabel(v)}`)}</title></rect>`,
      );
    });
    const lx = (gx + groupW * 0.4).toFixed(1);
    parts.push(`<text x="${lx}" y="${y0 + 14}" text-anchor="end" transform="rotate(-25 ${lx} ${y0 + 14})">${esc(g)}</text>`);
  });
  parts.push(`<line x1="${M.left}" x2="${M.left + plotW}" y1="${y0}" y2="${y0}" stroke="#333"/>`);
  c.series.forEach((s, si) => {
    const y = M.top + 10 + si * 18;
    parts.push(`<rect x="${W - M.right + 16}" y="${y - 9}" width="12" height="12" fill="${COLORS[si % COLORS.length]}"/>`);
    parts.push(`<text x="${W - M.right + 34}" y="${y + 1}">${esc(s)}</text>`);
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
