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
  /** First and last cold-start begin (platform clock), so shards' rounds can be combined; absent without cold starts. */
  firstColdBeginMs?: number;
  lastColdBeginMs?: number;
  /** Invocations of the round known cold and known warm (for combining shards' rounds). */
  cold?: number;
  warm?: number;
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
  const warm = stamps.filter((s) => s.cold === false).length;
  const out: ArrivalSpread = {
    stamped: accepted.length,
    firstAcceptedMs: round3(first),
    lastAcceptedMs: round3(last),
    spreadMs: round3(last - first),
    coldBeginSpreadMs: begins.length ? round3(Math.max(...begins) - Math.min(...begins)) : null,
    shortestColdBusyMs: busy.length ? round3(Math.min(...busy)) : null,
    cold: cold.length,
    warm,
  };
  if (begins.length) {
    out.firstColdBeginMs = round3(Math.min(...begins));
    out.lastColdBeginMs = round3(Math.max(...begins));
  }
  const why = notAllCold(out);
  if (why) out.notAllCold = why;
  return out;
}

/**
 * One round run by several generators against one platform (shards, fleet
 * workers): the platform stamped every invocation on its own clock, so the
 * combined round is the union of theirs. Cold-start begins combine exactly when
 * every part carries its first and last; otherwise the widest part's spread is a
 * lower bound and is what is shown.
 */
export function mergeArrival(parts: ArrivalSpread[]): ArrivalSpread | undefined {
  if (!parts.length) return undefined;
  if (parts.length === 1) return parts[0];
  const first = Math.min(...parts.map((a) => a.firstAcceptedMs));
  const last = Math.max(...parts.map((a) => a.lastAcceptedMs));
  const withCold = parts.filter((a) => a.coldBeginSpreadMs !== null);
  const exact = withCold.every((a) => a.firstColdBeginMs !== undefined && a.lastColdBeginMs !== undefined);
  const busy = parts.map((a) => a.shortestColdBusyMs).filter((x): x is number => x !== null);
  const out: ArrivalSpread = {
    stamped: parts.reduce((n, a) => n + a.stamped, 0),
    firstAcceptedMs: first,
    lastAcceptedMs: last,
    spreadMs: round3(last - first),
    coldBeginSpreadMs: !withCold.length
      ? null
      : exact
        ? round3(
            Math.max(...withCold.map((a) => a.lastColdBeginMs!)) -
              Math.min(...withCold.map((a) => a.firstColdBeginMs!)),
          )
        : Math.max(...withCold.map((a) => a.coldBeginSpreadMs!)),
    shortestColdBusyMs: busy.length ? Math.min(...busy) : null,
  };
  if (withCold.length && exact) {
    out.firstColdBeginMs = Math.min(...withCold.map((a) => a.firstColdBeginMs!));
    out.lastColdBeginMs = Math.max(...withCold.map((a) => a.lastColdBeginMs!));
  }
  if (parts.every((a) => a.cold !== undefined && a.warm !== undefined)) {
    out.cold = parts.reduce((n, a) => n + a.cold!, 0);
    out.warm = parts.reduce((n, a) => n + a.warm!, 0);
    const why = notAllCold(out);
    if (why) out.notAllCold = why;
  } else {
    const why = parts.find((a) => a.notAllCold)?.notAllCold;
    if (why) out.notAllCold = why;
  }
  return out;
}

/** Why a round with cold starts also had warm invocations, in one line; undefined when it was all cold (or all warm). */
function notAllCold(a: ArrivalSpread): string | undefined {
  const cold = a.cold ?? 0;
  const warm = a.warm ?? 0;
  if (!cold || !warm) return undefined;
  const why =
    a.shortestColdBusyMs !== null && a.spreadMs > a.shortestColdBusyMs
      ? `arrivals spread over ${fmt(a.spreadMs)} ms, longer than the ${fmt(a.shortestColdBusyMs)} ms the first instance started in the round was busy (init + run), so later arrivals found it free`
      : `arrivals spread over ${fmt(a.spreadMs)} ms; instances started in the round were busy at least ${a.shortestColdBusyMs === null ? 'n/a (not reported)' : `${fmt(a.shortestColdBusyMs)} ms`}`;
  return `${cold} cold of ${cold + warm}, not all cold: ${why}`;
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

function fmt(ms: number): string {
  return ms >= 100 ? ms.toFixed(0) : ms.toFixed(1);
}
