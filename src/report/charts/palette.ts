/**
 * One colour per target, the same in every chart and table of a report. The
 * palette is picked to read on both the light and the dark page background
 * (mid-lightness, saturated hues; no yellow, which vanishes on white).
 */

/** Target colours, in target order; repeats after ten targets. */
export const TARGET_COLORS = [
  '#3b82f6',
  '#f97316',
  '#10b981',
  '#e11d48',
  '#a855f7',
  '#0ea5e9',
  '#d97706',
  '#ec4899',
  '#65a30d',
  '#64748b',
] as const;

/** The colour of the `index`-th target. */
export function targetColor(index: number): string {
  return TARGET_COLORS[index % TARGET_COLORS.length]!;
}

/** A vega-lite colour scale mapping each target name to its colour (names are data, never code). */
export function targetColorScale(targets: readonly string[]): { domain: string[]; range: string[] } {
  return { domain: [...targets], range: targets.map((_, i) => targetColor(i)) };
}
