import { esc } from "./svg.js";

/** One section of the report. */
export interface Section {
  readonly id: string;
  readonly title: string;
  readonly body: string;
}

const CSS = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 1000px; color: #222; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin-bottom: 0.2rem; } h2 { border-bottom: 1px solid #ddd; padding-bottom: 0.2rem; margin-top: 2rem; }
table { border-collapse: collapse; } th, td { border: 1px solid #ddd; padding: 0.25rem 0.6rem; text-align: left; vertical-align: top; }
.card th { background: #f6f6f6; width: 14rem; } .confusion td { text-align: right; min-width: 3rem; } .confusion td.diag { font-weight: bold; }
.charts { display: flex; flex-wrap: wrap; gap: 1rem; } .chart { border: 1px solid #eee; }
.gallery { display: flex; flex-wrap: wrap; gap: 0.8rem; } figure { margin: 0; width: 150px; font-size: 12px; }
figure img { width: 150px; height: 150px; object-fit: contain; image-rendering: pixelated; background: #000; }
figure.wrong figcaption { color: #b00; } .empty { color: #777; font-style: italic; } .snippets li { margin: 0.4rem 0; }
nav a { margin-right: 0.8rem; }
`;

/** A self-contained HTML page: inline CSS and SVG, images and audio as data URIs, no scripts, no network. */
export function renderHtml(title: string, subtitle: string, sections: readonly Section[]): string {
  const nav = sections.map((s) => `<a href="#${s.id}">${esc(s.title)}</a>`).join("");
  const body = sections
    .map((s) => `<section id="${s.id}"><h2>${esc(s.title)}</h2>${s.body}</section>`)
    .join("\n");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${CSS}</style>
</head>
<body>
<h1>${esc(title)}</h1>
<p>${esc(subtitle)}</p>
<nav>${nav}</nav>
${body}
</body>
</html>
`;
}
