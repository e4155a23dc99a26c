/**
 * The chart, as a hand-written SVG string: horizontal bars of tiny tasks/s
 * (one panel per backend family, each on its own linear scale, since the
 * families differ by 100×) and of the policy's regret (with the 1.25 aim line).
 */
import type { RegretRow } from '../regret.js';
import type { Row } from '../results.js';

const WIDTH = 760;
/** Room for the contender names left of the bars. */
const LABEL_W = 230;
/** Room for the value right of the longest bar. */
const VALUE_W = 90;
const BAR_H = 16;
const GAP = 6;
const TITLE_H = 26;
const OURS = '#2563eb';
const PEER = '#9ca3af';

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

interface Bar {
  label: string;
  value: number;
  text: string;
  ours: boolean;
}

function panel(title: string, bars: Bar[], top: number, mark?: { at: number; label: string }): { svg: string; height: number } {
  const span = WIDTH - LABEL_W - VALUE_W;
  const max = Math.max(...bars.map((b) => b.value), mark?.at ?? 0);
  const parts = [`<text x="8" y="${top + 18}" font-weight="bold">${escape(title)}</text>`];
  bars.forEach((bar, i) => {
    const y = top + TITLE_H + i * (BAR_H + GAP);
    const w = Math.max(1, (bar.value / max) * span);
    parts.push(
      `<text x="${LABEL_W - 8}" y="${y + BAR_H - 4}" text-anchor="end">${escape(bar.label)}</text>`,
      `<rect x="${LABEL_W}" y="${y}" width="${w.toFixed(1)}" height="${BAR_H}" fill="${bar.ours ? OURS : PEER}"/>`,
      `<text x="${(LABEL_W + w + 6).toFixed(1)}" y="${y + BAR_H - 4}">${escape(bar.text)}</text>`,
    );
  });
  const height = TITLE_H + bars.length * (BAR_H + GAP) + 10;
  if (mark) {
    const x = LABEL_W + (mark.at / max) * span;
    parts.push(
      `<line x1="${x.toFixed(1)}" y1="${top + TITLE_H - 4}" x2="${x.toFixed(1)}" y2="${top + height - 8}" stroke="#dc2626" stroke-dasharray="4 3"/>`,
      `<text x="${(x + 4).toFixed(1)}" y="${top + TITLE_H - 8}" fill="#dc2626">${escape(mark.label)}</text>`,
    );
  }
  return { svg: parts.join('\n'), height };
}

export function svgChart(rows: Row[], regret: RegretRow[], subtitle: string): string {
  const panels: { svg: string; height: number }[] = [];
  let top = 40;
  for (const family of ['thread', 'process', 'async'] as const) {
    const bars = rows
      .filter((r) => (r.workload === 'tiny' || r.workload === 'map') && r.case === '' && r.family === family && r.metric === 'tasks/s')
      .map((r) => ({
        label: r.workload === 'map' ? `${r.name}, map 'auto'` : r.name,
        value: r.summary.median,
        text: Math.round(r.summary.median).toLocaleString('en-US'),
        ours: r.ours,
      }));
    const p = panel(`Tiny tasks/s, ${family} (median)`, bars, top);
    panels.push(p);
    top += p.height;
  }
  const regretBars = regret.map((r) => ({
    label: `${r.rule} → ${r.pick}`,
    value: r.regret,
    text: `${r.regret.toFixed(2)}${r.regret > 1.25 ? ` (fastest: ${r.fastest})` : ''}`,
    ours: r.regret <= 1.25,
  }));
  const p = panel('Policy regret, adapt off: time(auto pick) / time(fastest)', regretBars, top, { at: 1.25, label: 'aim 1.25' });
  panels.push(p);
  top += p.height;
  const adaptedBars = regret.map((r) => ({
    label: `${r.adapted.rule} → ${r.adapted.pick}`,
    value: r.adapted.regret,
    text: `${r.adapted.regret.toFixed(2)}${r.adapted.regret > 1.15 ? ` (fastest: ${r.fastest})` : ''}`,
    ours: r.adapted.regret <= 1.15,
  }));
  const q = panel('Policy regret, adapt on (after 8 measured calls)', adaptedBars, top, { at: 1.15, label: 'aim 1.15' });
  panels.push(q);
  top += q.height;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${top + 10}" viewBox="0 0 ${WIDTH} ${top + 10}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="8" y="20" font-size="15" font-weight="bold">unified-executor benchmark</text>`,
    `<text x="8" y="34" fill="#555">${escape(subtitle)}</text>`,
    ...panels.map((x) => x.svg),
    '</svg>',
    '',
  ].join('\n');
}
