/**
 * Parsing and formatting of the human units scenarios use: durations ("250ms",
 * "5s", "10m", "1h") and sizes ("1KB", "64KB", "6MB"). Pure functions.
 */

const DURATION_UNITS_MS: Record<string, number> = { us: 0.001, µs: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * Parses a duration into milliseconds. Accepts a number (milliseconds) or a
 * string with a unit: `us`, `ms`, `s`, `m`, `h`; compound forms like `1m30s`.
 * Returns `undefined` when the input is not a duration.
 */
export function parseDurationMs(input: unknown): number | undefined {
  if (typeof input === 'number') return Number.isFinite(input) && input >= 0 ? input : undefined;
  if (typeof input !== 'string') return undefined;
  const text = input.trim();
  if (!/^(\d+(\.\d+)?(us|µs|ms|s|m|h)\s*)+$/.test(text)) return undefined;
  let total = 0;
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)(us|µs|ms|s|m|h)/g)) total += Number(m[1]) * DURATION_UNITS_MS[m[2]!]!;
  return total;
}

const SIZE_UNITS: Record<string, number> = {
  B: 1,
  KB: 1024,
  MB: 1024 ** 2,
  GB: 1024 ** 3,
  KIB: 1024,
  MIB: 1024 ** 2,
  GIB: 1024 ** 3,
};

/**
 * Parses a size into bytes. Accepts a number (bytes) or `"1KB"`, `"64 KB"`, `"6MB"`
 * (binary units: 1KB = 1024 bytes, as AWS quotes its 6 MB payload limit).
 */
export function parseBytes(input: unknown): number | undefined {
  if (typeof input === 'number') return Number.isInteger(input) && input >= 0 ? input : undefined;
  if (typeof input !== 'string') return undefined;
  const m = /^(\d+(?:\.\d+)?)\s*(B|KB|MB|GB|KiB|MiB|GiB)$/i.exec(input.trim());
  if (!m) return undefined;
  return Math.round(Number(m[1]) * SIZE_UNITS[m[2]!.toUpperCase()]!);
}

/** Formats milliseconds for a table: 3 significant figures, never scientific. */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '-';
  if (ms >= 1000) return ms.toFixed(0);
  if (ms >= 100) return ms.toFixed(1);
  if (ms >= 10) return ms.toFixed(2);
  return ms.toFixed(3);
}

/** USD with three significant digits and never an exponent: "$0.000000229", "$0.2292", "$12.34". */
export function formatUSD(usd: number | null | undefined): string {
  if (usd === null || usd === undefined || !Number.isFinite(usd)) return '-';
  if (usd === 0) return '$0';
  if (usd >= 0.01) return `$${usd.toFixed(usd >= 100 ? 2 : 4)}`;
  const digits = Math.min(15, 2 - Math.floor(Math.log10(usd)));
  return `$${usd.toFixed(digits)}`;
}

/** Formats bytes as B/KB/MB (binary). */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 2) return `${+(bytes / 1024 ** 2).toFixed(2)}MB`;
  if (bytes >= 1024) return `${+(bytes / 1024).toFixed(2)}KB`;
  return `${bytes}B`;
}
