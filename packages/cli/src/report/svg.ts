/** One line of a chart. */
export interface Series {
  readonly name: string;
  readonly points: readonly (readonly [number, number])[];
  readonly color: string;
  readonly dashed?: boolean;
}

/** A vertical marker (e.g. where a training phase starts). */
export interface Marker {
  readonly x: number;
  readonly label: string;
}

/** Options of {@link lineChart}. */
export interface ChartOptions {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly Series[];
  readonly markers?: readonly Marker[];
  /** A highlighted point, e.g. the operating point of a ROC or DET curve. */
  readonly point?: { readonly x: number; readonly y: number; readonly label: string };
  readonly xRange?: readonly [number, number];
  readonly yRange?: readonly [number, number];
  /** Draw the diagonal y = x (ROC chance line). */
  readonly diagonal?: boolean;
  readonly id: string;
}

const W = 460;
const H = 300;
const M = { left: 56, right: 16, top: 28, bottom: 44 };

/** An inline SVG line chart with axes, ticks, legend and optional markers: no script, no network. */
export function lineChart(o: ChartOptions): string {
  const xs = o.series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = o.series.flatMap((s) => s.points.map((p) => p[1])).filter(Number.isFinite);
  const [x0, x1] =
    o.xRange ?? padRange(Math.min(...xs, ...(o.markers ?? []).map((m) => m.x)), Math.max(...xs));
  const [y0, y1] = o.yRange ?? padRange(Math.min(...ys), Math.max(...ys));
  const sx = (x: number) => M.left + ((x - x0) / (x1 - x0 || 1)) * (W - M.left - M.right);
  const sy = (y: number) => H - M.bottom - ((y - y0) / (y1 - y0 || 1)) * (H - M.top - M.bottom);
  const parts: string[] = [];
  parts.push(
    `<rect x="${M.left}" y="${M.top}" width="${W - M.left - M.right}" height="${H - M.top - M.bottom}" fill="#fff" stroke="#bbb"/>`,
  );
  for (const t of ticks(x0, x1))
    parts.push(
      `<line x1="${sx(t)}" x2="${sx(t)}" y1="${H - M.bottom}" y2="${H - M.bottom + 4}" stroke="#555"/><text x="${sx(t)}" y="${H - M.bottom + 16}" text-anchor="middle">${label(t)}</text>`,
    );
  for (const t of ticks(y0, y1))
    parts.push(
      `<line x1="${M.left - 4}" x2="${W - M.right}" y1="${sy(t)}" y2="${sy(t)}" stroke="#eee"/><text x="${M.left - 6}" y="${sy(t) + 4}" text-anchor="end">${label(t)}</text>`,
    );
  if (o.diagonal)
    parts.push(
      `<line x1="${sx(0)}" y1="${sy(0)}" x2="${sx(1)}" y2="${sy(1)}" stroke="#999" stroke-dasharray="4 4"/>`,
    );
  for (const m of o.markers ?? []) {
    parts.push(
      `<line class="phase-marker" x1="${sx(m.x)}" x2="${sx(m.x)}" y1="${M.top}" y2="${H - M.bottom}" stroke="#c60" stroke-dasharray="5 3"/><text x="${sx(m.x) + 3}" y="${M.top + 12}" fill="#c60">${esc(m.label)}</text>`,
    );
  }
  for (const s of o.series) {
    const pts = s.points.filter((p) => Number.isFinite(p[1]));
    if (pts.length === 0) continue;
    const d = pts
      .map((p, i) => `${i === 0 ? "M" : "L"}${sx(p[0]).toFixed(1)},${sy(p[1]).toFixed(1)}`)
      .join(" ");
    parts.push(
      `<path class="series" d="${d}" fill="none" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 3"' : ""}><title>${esc(s.name)}</title></path>`,
    );
    if (pts.length === 1)
      parts.push(
        `<circle cx="${sx(pts[0]?.[0] ?? 0)}" cy="${sy(pts[0]?.[1] ?? 0)}" r="3" fill="${s.color}"/>`,
      );
  }
  if (o.point) {
    parts.push(
      `<circle class="operating-point" cx="${sx(o.point.x)}" cy="${sy(o.point.y)}" r="5" fill="none" stroke="#d00" stroke-width="2"/><text x="${sx(o.point.x) + 8}" y="${sy(o.point.y) - 8}" fill="#d00">${esc(o.point.label)}</text>`,
    );
  }
  o.series.forEach((s, i) => {
    const y = M.top + 8 + i * 14;
    parts.push(
      `<line x1="${W - M.right - 120}" x2="${W - M.right - 100}" y1="${y + 8}" y2="${y + 8}" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 3"' : ""}/><text x="${W - M.right - 96}" y="${y + 12}">${esc(s.name)}</text>`,
    );
  });
  parts.push(
    `<text x="${(M.left + W - M.right) / 2}" y="${H - 8}" text-anchor="middle">${esc(o.xLabel)}</text>`,
  );
  parts.push(
    `<text transform="translate(14 ${(M.top + H - M.bottom) / 2}) rotate(-90)" text-anchor="middle">${esc(o.yLabel)}</text>`,
  );
  parts.push(`<text x="${M.left}" y="18" font-weight="bold">${esc(o.title)}</text>`);
  return `<svg id="${o.id}" class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" font-family="sans-serif" font-size="11" role="img" aria-label="${esc(o.title)}">${parts.join("")}</svg>`;
}

/** Escapes text for HTML and SVG. */
export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function padRange(lo: number, hi: number): [number, number] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [0, 1];
  if (lo === hi) return [lo - 0.5, hi + 0.5];
  const pad = (hi - lo) * 0.05;
  return [lo - pad, hi + pad];
}

function ticks(lo: number, hi: number): number[] {
  const span = hi - lo;
  if (!(span > 0)) return [lo];
  const step = 10 ** Math.floor(Math.log10(span / 5));
  const nice = [1, 2, 5, 10].map((m) => m * step).find((s) => span / s <= 6) ?? step * 10;
  const out: number[] = [];
  for (let t = Math.ceil(lo / nice) * nice; t <= hi + 1e-12; t += nice)
    out.push(Number(t.toPrecision(6)));
  return out;
}

function label(v: number): string {
  return Math.abs(v) >= 1000 ? v.toExponential(0) : String(Number(v.toPrecision(3)));
}
