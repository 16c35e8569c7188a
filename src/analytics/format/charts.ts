// Charts rendered on the server as SVG with Apache ECharts (svg renderer, ssr mode): no browser,
// no scripts in the output. In ssr mode ECharts marks every data element with
// ecmeta_series_index / ecmeta_data_index attributes, which the HTML test counts.
import * as echarts from 'echarts';
import { roundDecimal, toNumber } from '../decimal.js';
import { NEVI_UPTIME_THRESHOLD, type Heatmap } from '../uptime.js';

const FONT = '-apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif';

/** Colour bands of the heatmap (uptime of a chargepoint on a day). */
export const UPTIME_BANDS = [
  { min: 99.5, max: 100, label: '≥ 99.5 %', color: '#1a9850' },
  { min: NEVI_UPTIME_THRESHOLD, max: 99.5, label: `${NEVI_UPTIME_THRESHOLD}–99.5 %`, color: '#91cf60' },
  { min: 90, max: NEVI_UPTIME_THRESHOLD, label: `90–${NEVI_UPTIME_THRESHOLD} %`, color: '#fc8d59' },
  { min: 0, max: 90, label: '< 90 %', color: '#d73027' },
] as const;

/** Days on which less than this share of a chargepoint's time was observed are greyed out. */
export const MIN_OBSERVED_SHARE = 0.5;
const NOT_OBSERVED_VALUE = -1;

function render(width: number, height: number, option: echarts.EChartsCoreOption): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption(option);
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

/** Heatmap of chargepoints (rows) × days (columns), coloured by daily uptime. */
export function heatmapSvg(heatmap: Heatmap): string {
  const days = heatmap.days;
  const cps = heatmap.chargepoints;
  const row = new Map(cps.map((c, i) => [c.id, i]));
  const column = new Map(days.map((d, i) => [d, i]));
  const data: Array<[number, number, number]> = [];
  for (const cell of heatmap.cells) {
    const y = cell.entity_id === null ? undefined : row.get(cell.entity_id);
    const x = column.get(cell.day);
    if (x === undefined || y === undefined) continue;
    const observed = toNumber(cell.observed_share) ?? 0;
    const uptime = toNumber(cell.uptime_pct);
    data.push([x, y, observed < MIN_OBSERVED_SHARE || uptime === null ? NOT_OBSERVED_VALUE : Number(roundDecimal(uptime, 2))]);
  }
  const labelWidth = Math.min(220, 40 + Math.max(8, ...cps.map((c) => label(c).length)) * 6.5);
  const cell = days.length > 62 ? 8 : days.length > 31 ? 12 : 20;
  const width = Math.max(520, Math.round(labelWidth + 30 + days.length * cell));
  const height = Math.round(110 + Math.max(1, cps.length) * Math.max(cell, 16));
  const step = Math.max(1, Math.ceil(days.length / 31));
  return render(width, height, {
    animation: false,
    textStyle: { fontFamily: FONT },
    grid: { left: labelWidth, right: 20, top: 16, bottom: 80 },
    xAxis: {
      type: 'category',
      data: days.map((d) => d.slice(5)),
      axisLabel: { interval: step - 1, rotate: days.length > 16 ? 60 : 0, fontSize: 10 },
      splitArea: { show: false },
    },
    yAxis: { type: 'category', inverse: true, data: cps.map(label), axisLabel: { fontSize: 11 } },
    visualMap: {
      type: 'piecewise',
      dimension: 2,
      orient: 'horizontal',
      left: 'center',
      bottom: 4,
      itemWidth: 14,
      itemHeight: 10,
      textStyle: { fontSize: 11 },
      pieces: [
        ...UPTIME_BANDS.map((b) => ({ gte: b.min, lt: b.max === 100 ? 100.0001 : b.max, label: b.label, color: b.color })),
        { value: NOT_OBSERVED_VALUE, label: `observed < ${MIN_OBSERVED_SHARE * 100} %`, color: '#c8c8c8' },
      ],
    },
    series: [
      {
        type: 'heatmap',
        data,
        itemStyle: { borderColor: '#ffffff', borderWidth: 1 },
        emphasis: { disabled: true },
      },
    ],
  });
}

function label(c: { id: string; name: string | null }): string {
  const text = c.name && c.name !== c.id ? `${c.name} (${c.id})` : c.id;
  return text.length > 32 ? `${text.slice(0, 31)}…` : text;
}

/** Bins of the uptime histogram, lower bound inclusive; the last bin is exactly 100 %. */
export const HISTOGRAM_BINS = [
  { label: '< 80', min: -Infinity, max: 80 },
  { label: '80–90', min: 80, max: 90 },
  { label: '90–95', min: 90, max: 95 },
  { label: `95–${NEVI_UPTIME_THRESHOLD}`, min: 95, max: NEVI_UPTIME_THRESHOLD },
  { label: `${NEVI_UPTIME_THRESHOLD}–98`, min: NEVI_UPTIME_THRESHOLD, max: 98 },
  { label: '98–99', min: 98, max: 99 },
  { label: '99–99.5', min: 99, max: 99.5 },
  { label: '99.5–100', min: 99.5, max: 100 },
  { label: '100', min: 100, max: Infinity },
] as const;

export function histogramCounts(uptimes: ReadonlyArray<number | null>): number[] {
  const counts = HISTOGRAM_BINS.map(() => 0);
  for (const u of uptimes) {
    if (u === null) continue;
    const i = HISTOGRAM_BINS.findIndex((b) => u >= b.min && u < b.max);
    if (i >= 0) counts[i]!++;
  }
  return counts;
}

/** Histogram of uptime per entity (bars coloured by the NEVI threshold). */
export function histogramSvg(uptimes: ReadonlyArray<number | null>, entityLabel: string): string {
  const counts = histogramCounts(uptimes);
  return render(720, 300, {
    animation: false,
    textStyle: { fontFamily: FONT },
    grid: { left: 56, right: 20, top: 24, bottom: 56 },
    xAxis: { type: 'category', data: HISTOGRAM_BINS.map((b) => b.label), axisLabel: { interval: 0, fontSize: 11 }, name: 'uptime %', nameLocation: 'middle', nameGap: 32 },
    yAxis: { type: 'value', name: entityLabel, minInterval: 1 },
    series: [
      {
        type: 'bar',
        barCategoryGap: '15%',
        data: counts.map((n, i) => ({
          value: n,
          itemStyle: { color: HISTOGRAM_BINS[i]!.min >= NEVI_UPTIME_THRESHOLD ? '#1a9850' : '#d73027' },
        })),
        label: { show: true, position: 'top', fontSize: 11 },
      },
    ],
  });
}
