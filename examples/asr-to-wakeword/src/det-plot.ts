/** One route's test DET curve: false-reject rate against false accepts per hour. */
export interface DetSeries {
  readonly name: string;
  readonly points: readonly { readonly faPerHour: number; readonly frr: number }[];
}

const COLOURS = ["#1b6ac9", "#d1495b", "#2e8b57", "#8e6c8a"];
const WIDTH = 640;
const HEIGHT = 420;
const PAD = { left: 64, right: 150, top: 24, bottom: 52 };
/** FA/h axis: log scale from 0.1 to 100 (a curve at 0 FA/h is drawn at the left edge). */
const FA_RANGE = [0.1, 100] as const;

/**
 * An SVG of the DET curves, as each route's best FRR at or under every false
 * accept rate (a staircase), FA/h on a log axis, with the 0.5 and 1 FA/h
 * operating points marked.
 */
export function detCurveSvg(series: readonly DetSeries[], title: string): string {
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const logMin = Math.log10(FA_RANGE[0]);
  const logMax = Math.log10(FA_RANGE[1]);
  const x = (fa: number): number =>
    PAD.left +
    ((Math.log10(Math.min(Math.max(fa, FA_RANGE[0]), FA_RANGE[1])) - logMin) / (logMax - logMin)) *
      plotW;
  const y = (frr: number): number => PAD.top + (1 - frr) * plotH;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`,
    `<text x="${PAD.left}" y="16" font-size="13">${escape(title)}</text>`,
  ];
  for (const fa of [0.1, 0.5, 1, 5, 10, 20, 100]) {
    const at = x(fa).toFixed(1);
    const mark = fa === 0.5 || fa === 1;
    parts.push(
      `<line x1="${at}" y1="${PAD.top}" x2="${at}" y2="${PAD.top + plotH}" stroke="${mark ? "#999" : "#e5e5e5"}"${mark ? ' stroke-dasharray="4 3"' : ""}/>`,
      `<text x="${at}" y="${PAD.top + plotH + 16}" text-anchor="middle">${fa}</text>`,
    );
  }
  for (let frr = 0; frr <= 1.0001; frr += 0.2) {
    const at = y(frr).toFixed(1);
    parts.push(
      `<line x1="${PAD.left}" y1="${at}" x2="${PAD.left + plotW}" y2="${at}" stroke="#e5e5e5"/>`,
      `<text x="${PAD.left - 6}" y="${at}" text-anchor="end" dominant-baseline="middle">${Math.round(frr * 100)} %</text>`,
    );
  }
  parts.push(
    `<rect x="${PAD.left}" y="${PAD.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#444"/>`,
    `<text x="${PAD.left + plotW / 2}" y="${HEIGHT - 12}" text-anchor="middle">false accepts per hour (log scale)</text>`,
    `<text transform="translate(16 ${PAD.top + plotH / 2}) rotate(-90)" text-anchor="middle">false-reject rate</text>`,
  );
  series.forEach((s, i) => {
    const colour = COLOURS[i % COLOURS.length] as string;
    parts.push(
      `<polyline fill="none" stroke="${colour}" stroke-width="2" points="${staircase(s.points)
        .map(([fa, frr]) => `${x(fa).toFixed(1)},${y(frr).toFixed(1)}`)
        .join(" ")}"/>`,
      `<line x1="${PAD.left + plotW + 12}" y1="${PAD.top + 12 + i * 20}" x2="${PAD.left + plotW + 32}" y2="${PAD.top + 12 + i * 20}" stroke="${colour}" stroke-width="2"/>`,
      `<text x="${PAD.left + plotW + 38}" y="${PAD.top + 12 + i * 20}" dominant-baseline="middle">${escape(s.name)}</text>`,
    );
  });
  parts.push("</svg>");
  return `${parts.join("\n")}\n`;
}

/** The lower envelope (best FRR at ≤ each FA/h) as the corners of a staircase over the plotted range. */
export function staircase(points: DetSeries["points"]): [number, number][] {
  const sorted = [...points].sort((a, b) => a.faPerHour - b.faPerHour || a.frr - b.frr);
  const out: [number, number][] = [];
  let best = 1;
  for (const p of sorted) {
    if (p.frr >= best) continue;
    const fa = Math.max(p.faPerHour, FA_RANGE[0]);
    if (out.length > 0) out.push([fa, best]);
    else out.push([FA_RANGE[0], 1], [fa, 1]);
    best = p.frr;
    out.push([fa, best]);
  }
  if (out.length === 0) out.push([FA_RANGE[0], 1]);
  out.push([FA_RANGE[1], best]);
  return out;
}

function escape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
