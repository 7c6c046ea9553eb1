/**
 * What every chart module returns: a vega-lite spec whose data is named
 * (`{ name: 'timeline' }`) plus the named datasets, bound at render time from
 * the report's one embedded JSON block. A module returns null when the run has
 * no data for its chart: the report leaves it out rather than draw it empty.
 */
import type { Result, TargetResult } from '../../model/result.ts';
import { targetColors } from './palette.ts';

/** One chart of the report. */
export interface Chart {
  /** Element id suffix (`chart-<id>`); fixed by the module, never from data. */
  id: string;
  title: string;
  /** One line under the title: what is plotted and how to read it. */
  note: string;
  /** vega-lite spec without data values. */
  spec: Record<string, unknown>;
  /** Named datasets the spec reads. */
  datasets: Record<string, unknown[]>;
  /**
   * For concatenated views (vega-lite cannot size them to their container):
   * each sub-view's share of the width, in order; the page sets their widths.
   */
  widthShares?: number[];
}

/** vega-lite schema every spec names. */
export const VEGA_LITE_SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/**
 * The colour encoding every chart uses for targets (one colour per target across
 * charts). `legend`: 'top' draws it above the view; 'none' draws no legend (the
 * axis already names the targets); 'shared' leaves it to another layer or view
 * of the same chart (setting none there would conflict with it).
 */
export function colorByTarget(
  result: Result,
  legend: 'top' | 'none' | 'shared' = 'top',
  present?: readonly string[],
): Record<string, unknown> {
  const enc: Record<string, unknown> = {
    field: 'target',
    type: 'nominal',
    title: 'target',
    scale: { domain: result.targets.map((t) => t.name), range: targetColors(result) },
  };
  // The scale keeps every target (so colours match across charts); the legend lists only those drawn.
  // Side by side, "<run> · <target>" wraps onto two lines rather than being cut.
  if (legend === 'top')
    enc.legend = {
      orient: 'top',
      labelExpr: WRAP_LABEL_EXPR,
      labelLimit: 0,
      ...(present ? { values: [...new Set(present)] } : {}),
    };
  if (legend === 'none') enc.legend = null;
  return enc;
}

/** vega expression: a label "<run> · <target>" on two lines (side by side), others as they are. */
export const WRAP_LABEL_EXPR = "split(datum.label, ' · ')";

/** Distinct values of a field, ascending: explicit axis ticks at the measured points of a sweep. */
export function tickValues(values: number[], max = 12): number[] | undefined {
  const distinct = [...new Set(values)].sort((a, b) => a - b);
  return distinct.length <= max ? distinct : undefined;
}

/** vega expression formatting a byte count on an axis: 512 B, 64 KB, 1 MB. */
export const BYTES_LABEL_EXPR =
  "datum.value >= 1048576 ? format(datum.value / 1048576, '.3~r') + ' MB' : datum.value >= 1024 ? format(datum.value / 1024, '.3~r') + ' KB' : format(datum.value, '.3~r') + ' B'";

/** vega expression formatting a duration in ms on an axis: 500 ms, 30 s, 5 min. */
export const DURATION_LABEL_EXPR =
  "datum.value >= 60000 ? format(datum.value / 60000, '.3~r') + ' min' : datum.value >= 1000 ? format(datum.value / 1000, '.3~r') + ' s' : format(datum.value, '.3~r') + ' ms'";

/** The first timeline second of a target (its series are drawn from there). */
export function targetStartS(t: TargetResult): number | null {
  let min: number | null = null;
  for (const p of t.phases) for (const pt of p.timeline ?? []) if (min === null || pt.t < min) min = pt.t;
  return min;
}

/**
 * Legend symbols that stand for no target are drawn in `currentColor`, which the
 * SVG inherits from the page: dark on the light page, light on the dark one.
 */
export const NEUTRAL_SYMBOL = 'currentColor';

/** A strokeDash legend that shows the dashes (not the line's point symbol). */
export function dashLegend(): Record<string, unknown> {
  return {
    orient: 'top',
    symbolType: 'stroke',
    symbolStrokeWidth: 2,
    symbolSize: 300,
    symbolStrokeColor: NEUTRAL_SYMBOL,
  };
}
