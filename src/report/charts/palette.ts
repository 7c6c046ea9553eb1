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

/** Mixes a `#rrggbb` colour with white: 0 keeps it, 1 is white. */
function lighten(hex: string, amount: number): string {
  const n = Number.parseInt(hex.slice(1), 16);
  const mix = (c: number) => Math.round(c + (255 - c) * amount);
  const [r, g, b] = [mix(n >> 16), mix((n >> 8) & 255), mix(n & 255)];
  return `#${((r << 16) | (g << 8) | b).toString(16).padStart(6, '0')}`;
}

/**
 * Each target's colour in a result. Side by side (`result.runs`), a target keeps
 * its hue in every run (the hue of its name without the run label), and the runs
 * after the first are lighter shades of it, so the same target reads as one
 * family across runs; otherwise, the target's position.
 */
export function targetColors(result: { targets: { name: string }[]; runs?: { label: string }[] }): string[] {
  const runs = result.runs;
  if (!runs?.length) return result.targets.map((_, i) => targetColor(i));
  const bases: string[] = [];
  return result.targets.map((t) => {
    const run = runs.findIndex((r) => t.name.startsWith(`${r.label} · `));
    const base = run < 0 ? t.name : t.name.slice(runs[run]!.label.length + 3);
    if (!bases.includes(base)) bases.push(base);
    return lighten(targetColor(bases.indexOf(base)), Math.min(0.6, Math.max(0, run) * 0.3));
  });
}
