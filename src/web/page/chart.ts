import type { ApiError } from './api.js';
import { niceScale, OTHER, stackRejects, type RejectRow } from './chart-data.js';
import { h, svg } from './dom.js';
import { daysFrom } from './filters.js';
import { errorText, formatNumber, lang, reasonText, t } from './i18n.js';

export type ChartState = { state: 'loading'; from: string; to: string } | { state: 'error'; from: string; to: string; error: ApiError } | { state: 'done'; from: string; to: string; rows: RejectRow[] };

const COLOURS = ['#c0392b', '#e67e22', '#2c7fb8', '#7b4f9d', '#27ae60', '#d4a017', '#16a2a2', '#b83280'];
const GREY = '#9aa5b1';
const H = 150;
const PAD = { left: 34, right: 8, top: 10, bottom: 22 };

/**
 * Rejects per day, stacked by reason, drawn as plain SVG one pixel per unit of `width` (the
 * plot's width on screen) so text keeps its size; the legend filters the table.
 */
export function renderChart(c: ChartState, width: number, onReason: (code: string) => void): HTMLElement {
  const W = Math.max(240, Math.round(width));
  const title = h('h2', {}, t('chartTitle'), h('span', { class: 'muted small' }, ` · ${t('chartRange', { from: c.from, to: c.to })}`));
  if (c.state !== 'done') {
    return h('section', { id: 'chart', class: 'chart', 'data-state': c.state }, title,
      h('p', { class: c.state === 'error' ? 'error' : 'muted' }, c.state === 'error' ? t('requestFailed', { msg: errorText(c.error) }) : t('loading')));
  }
  const days = daysFrom(c.from, c.to);
  const data = stackRejects(c.rows, days);
  const colour = new Map(data.reasons.map((r, i) => [r.reason, r.reason === OTHER ? GREY : COLOURS[i % COLOURS.length]!]));
  const { top, step } = niceScale(data.max);
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const slot = plotW / Math.max(1, days.length);
  const barW = Math.max(2, Math.min(36, slot * 0.7));
  const y = (v: number) => PAD.top + plotH - (v / top) * plotH;
  const labelEvery = Math.ceil(days.length / 16);

  const grid = [];
  for (let v = 0; v <= top; v += step) {
    grid.push(svg('line', { x1: PAD.left, x2: W - PAD.right, y1: y(v), y2: y(v), class: 'grid' }),
      svg('text', { x: PAD.left - 4, y: y(v) + 3, class: 'tick', 'text-anchor': 'end' }, v));
  }
  const bars = data.days.map((d, i) => {
    const x = PAD.left + i * slot + (slot - barW) / 2;
    return svg('g', { class: 'bar', 'data-day': d.day, 'data-total': d.total },
      d.segments.map((s) => svg('rect', { x, width: barW, y: y(s.base + s.count), height: Math.max(0.5, y(s.base) - y(s.base + s.count)), fill: colour.get(s.reason) ?? GREY },
        svg('title', {}, `${d.day} · ${s.reason === OTHER ? otherLabel() : s.reason}: ${s.count}`))),
      i % labelEvery === 0 ? svg('text', { x: x + barW / 2, y: H - 6, class: 'tick', 'text-anchor': 'middle' }, d.day.slice(5)) : null);
  });
  const plot = svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': t('chartTitle'), preserveAspectRatio: 'xMinYMid meet' }, grid, bars);
  const legend = data.reasons.length === 0
    ? h('p', { class: 'muted', id: 'chart-empty' }, t('chartEmpty'))
    : h('ul', { class: 'legend', title: t('chartHint') }, data.reasons.map((r) => h('li', {},
      h('button', { type: 'button', class: 'link', disabled: r.reason === OTHER, 'data-reason': r.reason, title: r.reason === OTHER ? '' : reasonText(r.reason), onclick: () => onReason(r.reason) },
        swatch(colour.get(r.reason)!), h('span', { class: 'code' }, r.reason === OTHER ? otherLabel() : r.reason), h('span', { class: 'num' }, formatNumber(r.total))))));
  return h('section', { id: 'chart', class: 'chart', 'data-state': 'done' }, title, h('div', { class: 'chart-body' }, h('div', { class: 'plot' }, plot), legend));
}

function swatch(fill: string): SVGElement {
  return svg('svg', { class: 'swatch', viewBox: '0 0 10 10', width: 10, height: 10, 'aria-hidden': 'true' }, svg('rect', { width: 10, height: 10, rx: 2, fill }));
}

function otherLabel(): string {
  return lang() === 'zh' ? '其他' : 'Other';
}
