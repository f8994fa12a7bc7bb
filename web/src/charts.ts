/**
 * uPlot charts bound to lit-rendered elements: `${ref(chart(opts, data))}` creates the chart the
 * first time the element is seen and only swaps its data afterwards; a ResizeObserver keeps its
 * width. Series labels are set by uPlot with textContent (never parsed as HTML).
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartSpec {
  /** Identity of the chart's shape: a new key (other series) rebuilds it. */
  key: string;
  height: number;
  series: { label: string; stroke: string; fill?: string }[];
  /** y axis label */
  unit: string;
  bars?: boolean;
  /** Draw each value as a step over its bucket (a count per interval), instead of a line through points. */
  stepped?: boolean;
  /** Width of one x step (ms): the x axis runs to the end of the last bucket, not its start. */
  stepMs?: number;
  /** A time (epoch ms) marked with a dashed vertical line; part of the chart's identity (`key`). */
  marker?: number;
}

/** Draws the marker line over the plot area. */
function markerHook(ms: number): (u: uPlot) => void {
  return (u) => {
    const x = u.valToPos(ms / 1000, 'x', true);
    const { left, top, width, height } = u.bbox;
    if (!Number.isFinite(x) || x < left || x > left + width) return;
    const ctx = u.ctx;
    ctx.save();
    ctx.strokeStyle = '#b91c1c';
    ctx.lineWidth = 2 * devicePixelRatio;
    ctx.setLineDash([5 * devicePixelRatio, 4 * devicePixelRatio]);
    ctx.beginPath();
    ctx.moveTo(x, top);
    ctx.lineTo(x, top + height);
    ctx.stroke();
    ctx.restore();
  };
}

interface Mounted {
  plot: uPlot;
  key: string;
  observer: ResizeObserver;
}

const mounted = new WeakMap<Element, Mounted>();

function build(el: HTMLElement, spec: ChartSpec, data: uPlot.AlignedData): Mounted {
  const opts: uPlot.Options = {
    width: Math.max(200, el.clientWidth),
    height: spec.height,
    legend: { show: spec.series.length > 1 },
    cursor: { drag: { x: false, y: false } },
    hooks: spec.marker === undefined ? {} : { draw: [markerHook(spec.marker)] },
    scales: { x: { time: true, range: (_u, min, max) => [min, max + (spec.stepMs ?? 0) / 1000] }, y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] } },
    axes: [
      { stroke: '#374151', grid: { stroke: '#e5e7eb' } },
      { stroke: '#374151', grid: { stroke: '#e5e7eb' }, label: spec.unit, size: 56 },
    ],
    series: [
      {},
      ...spec.series.map((s) => ({
        label: s.label,
        stroke: s.stroke,
        fill: s.fill,
        width: 1.5,
        points: { show: false },
        ...(spec.bars ? { paths: uPlot.paths.bars?.({ size: [0.8, 12] }) } : {}),
        ...(spec.stepped ? { paths: uPlot.paths.stepped?.({ align: 1 }) } : {}),
      })),
    ],
  };
  const plot = new uPlot(opts, data, el);
  const observer = new ResizeObserver(() => {
    const w = Math.max(200, el.clientWidth);
    if (w !== plot.width) plot.setSize({ width: w, height: spec.height });
  });
  observer.observe(el);
  return { plot, key: spec.key, observer };
}

/** A lit ref callback that draws `data` (x = seconds since epoch, then one array per series) into the element. */
export function chart(spec: ChartSpec, data: uPlot.AlignedData): (el?: Element) => void {
  return (el) => {
    if (!(el instanceof HTMLElement)) return;
    const m = mounted.get(el);
    if (m && m.key === spec.key) {
      m.plot.setData(data);
      return;
    }
    if (m) {
      m.observer.disconnect();
      m.plot.destroy();
    }
    mounted.set(el, build(el, spec, data));
  };
}

/** x values (seconds) of `n` buckets of `stepMs` starting at `startMs`. */
export function xs(startMs: number, stepMs: number, n: number): number[] {
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) out[i] = (startMs + i * stepMs) / 1000;
  return out;
}

export const PALETTE = ['#1d4ed8', '#b45309', '#047857', '#7c3aed', '#be123c', '#0e7490', '#4d7c0f', '#6b21a8'];
export const SEVERITY_COLORS: Record<string, string> = { critical: '#7f1d1d', error: '#dc2626', warning: '#d97706', info: '#2563eb' };
