/**
 * How simultaneous a burst round really was, as the platform saw it (the local
 * runtime stamps each invocation when an instance accepts it, and each cold
 * start when it began, on its own clock): a burst of N is N cold starts only
 * if every invocation arrives before any instance started in the round is free
 * again. Times are ms since the Unix epoch on the platform's clock (so the
 * rounds of several generators sharing one platform can be combined).
 */
export interface ArrivalSpread {
  /** Invocations of the round the platform stamped. */
  stamped: number;
  /** First and last invocation accepted by the platform. */
  firstAcceptedMs: number;
  lastAcceptedMs: number;
  /** lastAcceptedMs - firstAcceptedMs. */
  spreadMs: number;
  /** Spread of the cold starts' begin times (first to last); null when the round had none. */
  coldBeginSpreadMs: number | null;
  /** Shortest time an instance started in this round was busy with its first invocation (init + run), ms; null without cold starts. */
  shortestColdBusyMs: number | null;
  /** Set when the round was not all cold: why, in one line (arrival spread vs instance busy time). */
  notAllCold?: string;
}

/** One invocation as the platform stamped it. */
export interface ArrivalStamp {
  acceptedAtMs?: number;
  initStartMs?: number;
  cold: boolean | null;
  initMs?: number;
  durationMs?: number;
}

/** The round's arrival spread from its invocations' stamps; undefined when the platform stamped none. */
export function arrivalSpread(stamps: ArrivalStamp[]): ArrivalSpread | undefined {
  const accepted = stamps.map((s) => s.acceptedAtMs).filter((t): t is number => t !== undefined);
  if (!accepted.length) return undefined;
  const first = Math.min(...accepted);
  const last = Math.max(...accepted);
  const cold = stamps.filter((s) => s.cold === true);
  const begins = cold.map((s) => s.initStartMs).filter((t): t is number => t !== undefined);
  const busy = cold
    .filter((s) => s.initMs !== undefined && s.durationMs !== undefined)
    .map((s) => s.initMs! + s.durationMs!);
  const out: ArrivalSpread = {
    stamped: accepted.length,
    firstAcceptedMs: round3(first),
    lastAcceptedMs: round3(last),
    spreadMs: round3(last - first),
    coldBeginSpreadMs: begins.length ? round3(Math.max(...begins) - Math.min(...begins)) : null,
    shortestColdBusyMs: busy.length ? round3(Math.min(...busy)) : null,
  };
  const warm = stamps.filter((s) => s.cold === false).length;
  if (cold.length && warm) {
    const why =
      out.shortestColdBusyMs !== null && out.spreadMs > out.shortestColdBusyMs
        ? `arrivals spread over ${fmt(out.spreadMs)} ms, longer than the ${fmt(out.shortestColdBusyMs)} ms the first instance started in the round was busy (init + run), so later arrivals found it free`
        : `arrivals spread over ${fmt(out.spreadMs)} ms; instances started in the round were busy at least ${out.shortestColdBusyMs === null ? 'n/a (not reported)' : `${fmt(out.shortestColdBusyMs)} ms`}`;
    out.notAllCold = `${cold.length} cold of ${cold.length + warm}, not all cold: ${why}`;
  }
  return out;
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

function fmt(ms: number): string {
  return ms >= 100 ? ms.toFixed(0) : ms.toFixed(1);
}
