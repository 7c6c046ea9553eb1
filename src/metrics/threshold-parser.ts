/**
 * Threshold parsing (after k6's thresholds_parser.go, but stricter): a
 * scenario's `thresholds` object is checked at load time; an unknown metric, a
 * bad selector, a malformed condition or a unit that does not fit the metric is
 * a validation error (exit 2), never a silent pass. Pure functions, no timers.
 *
 * Grammar (BNF; whitespace allowed between tokens of a condition):
 *
 *   thresholds ::= "{" entry ("," entry)* "}"                 -- a JS object
 *   entry      ::= key ":" rule | key ":" "[" rule ("," rule)* "]"
 *   rule       ::= condition | "{ threshold:" condition (", abortOnFail:" boolean)? "}"
 *   key        ::= metric selector?
 *   selector   ::= "{" tag ("," tag)* "}"
 *   tag        ::= "target:" name | "phase:" name | "round:" digit+
 *   metric     ::= latency-metric | "cold.rate" | "cold.count" | "errors.rate" | "errors.count"
 *                | "errors." error-class | "requests.count" | "instances.count"
 *                | "cost.perMillion" | "cost.perInvocation" | "cost.total" | "throughput.rps"
 *   latency-metric ::= ("latency" | "warm" | "cold" | "init") "." stat
 *   stat       ::= "min" | "mean" | "max" | "p" digit+       -- p50, p95, p99, p999 (= 99.9), p9999 (= 99.99), p100
 *   condition  ::= operator value
 *   operator   ::= "<" | "<=" | ">" | ">=" | "==" | "!="
 *   value      ::= number duration-unit | number "%" | "$" number | number
 *   duration-unit ::= "us" | "µs" | "ms" | "s" | "m"
 *   number     ::= digit+ ("." digit+)?
 *
 * Units must fit the metric: latencies take a duration (a bare number is ms),
 * rates a fraction from 0 to 1 or a percentage, costs USD (bare or with "$"),
 * counts a whole number, throughput a bare number (requests per second).
 * `latency` is every invocation, `warm`/`cold` only warm or cold ones, `init` the
 * provider-reported init duration of cold starts.
 */
import { describeValue, isPlainObject, type CheckContext } from '../config/check.ts';
import { ERROR_CLASSES } from '../model/invocation.ts';

/** The comparison of a condition. */
export type ThresholdOperator = '<' | '<=' | '>' | '>=' | '==' | '!=';

/** What a metric measures, which decides the units its condition accepts. */
export type MetricUnit = 'ms' | 'fraction' | 'usd' | 'count' | 'rps';

/** A parsed metric name. */
export interface MetricRef {
  /** As written, e.g. `latency.p99`. */
  name: string;
  unit: MetricUnit;
  /**
   * Which figure: `latency|warm|cold|init` with a stat (`min`, `mean`, `max`, or a
   * percentile), or one of the named scalar figures.
   */
  source: { histogram: 'all' | 'warm' | 'cold' | 'init'; stat: 'min' | 'mean' | 'max' | number } | { scalar: string };
}

/** A parsed condition: `actual <op> value`, value in the metric's unit. */
export interface Condition {
  op: ThresholdOperator;
  value: number;
}

/** One checked threshold rule, ready to evaluate. */
export interface ThresholdSpec {
  /** The key as written, e.g. `latency.p99{phase:burst}`. */
  key: string;
  metric: MetricRef;
  /** Scope: one target, one phase (all its rounds unless `round`), one round. */
  target?: string;
  phase?: string;
  round?: number;
  /** The condition as written, trimmed, e.g. `< 800ms`. */
  condition: string;
  op: ThresholdOperator;
  /** The condition's number in the metric's unit (ms, fraction, USD, count, req/s). */
  value: number;
  /** Stop the run as soon as this threshold is crossed (checked after each phase). */
  abortOnFail: boolean;
}

/** Metric names that are not latency stats, with their units. */
const SCALARS: Record<string, MetricUnit> = {
  'cold.rate': 'fraction',
  'cold.count': 'count',
  'errors.rate': 'fraction',
  'errors.count': 'count',
  'requests.count': 'count',
  'instances.count': 'count',
  'cost.perMillion': 'usd',
  'cost.perInvocation': 'usd',
  'cost.total': 'usd',
  'throughput.rps': 'rps',
  ...Object.fromEntries(ERROR_CLASSES.map((c) => [`errors.${c}`, 'count' as const])),
};

const HISTOGRAMS = { latency: 'all', warm: 'warm', cold: 'cold', init: 'init' } as const;

/** Every metric name a user can write, for error messages (`pNN` stands for any percentile). */
export const METRIC_NAMES: readonly string[] = [
  ...Object.keys(HISTOGRAMS).flatMap((h) => ['min', 'mean', 'max', 'pNN'].map((s) => `${h}.${s}`)),
  ...Object.keys(SCALARS),
];

/**
 * Parses a percentile stat: `p50` → 50, `p999` → 99.9, `p9999` → 99.99,
 * `p100` → 100. The first two digits are whole percent, the rest decimals (the
 * convention of LatencySummary's `p999`). Undefined when not a percentile.
 */
export function parsePercentile(stat: string): number | undefined {
  const m = /^p(\d{1,6})$/.exec(stat);
  if (!m) return undefined;
  const d = m[1]!;
  const pct = d === '100' ? 100 : d.length <= 2 ? Number(d) : Number(`${d.slice(0, 2)}.${d.slice(2)}`);
  return pct > 0 && pct <= 100 ? pct : undefined;
}

/** Parses a metric name; undefined when unknown. */
export function parseMetric(name: string): MetricRef | undefined {
  const scalar = SCALARS[name];
  if (scalar) return { name, unit: scalar, source: { scalar: name } };
  const m = /^(latency|warm|cold|init)\.(\w+)$/.exec(name);
  if (!m) return undefined;
  const histogram = HISTOGRAMS[m[1] as keyof typeof HISTOGRAMS];
  const stat = m[2]!;
  if (stat === 'min' || stat === 'mean' || stat === 'max') return { name, unit: 'ms', source: { histogram, stat } };
  const pct = parsePercentile(stat);
  return pct === undefined ? undefined : { name, unit: 'ms', source: { histogram, stat: pct } };
}

const DURATION_MS: Record<string, number> = { us: 0.001, µs: 0.001, ms: 1, s: 1000, m: 60_000 };

/**
 * Parses a condition for a metric of `unit`. Returns the condition or an error
 * message saying what was expected.
 */
export function parseCondition(text: string, unit: MetricUnit): Condition | string {
  const m = /^\s*(<=|>=|==|!=|<|>)\s*(\$)?\s*(\d+(?:\.\d+)?)\s*(us|µs|ms|s|m|%)?\s*$/.exec(text);
  if (!m)
    return `expected a condition such as "< 800ms", "<= 0.2" or "< $4.50" (operator <, <=, >, >=, ==, != then a number), got ${JSON.stringify(text)}`;
  const op = m[1] as ThresholdOperator;
  const dollar = m[2] !== undefined;
  const n = Number(m[3]);
  const suffix = m[4];
  const bad = (what: string) => `${what}, got ${JSON.stringify(text.trim())}`;
  switch (unit) {
    case 'ms':
      if (dollar || suffix === '%')
        return bad('a latency metric takes a duration such as "800ms" or "1.5s" (a bare number is ms)');
      return { op, value: suffix ? n * DURATION_MS[suffix]! : n };
    case 'fraction':
      if (dollar || (suffix && suffix !== '%'))
        return bad('a rate takes a fraction from 0 to 1 (e.g. "< 0.2") or a percentage (e.g. "< 20%")');
      if (suffix === '%') return n <= 100 ? { op, value: n / 100 } : bad('a percentage from 0% to 100%');
      return n <= 1 ? { op, value: n } : bad('a rate is a fraction from 0 to 1 (write "20%" for a percentage)');
    case 'usd':
      if (suffix) return bad('a cost takes an amount in USD such as "4.50" or "$4.50"');
      return { op, value: n };
    case 'count':
      if (dollar || suffix || !Number.isInteger(n)) return bad('a count takes a whole number such as "0" or "10"');
      return { op, value: n };
    case 'rps':
      if (dollar || suffix) return bad('throughput takes a bare number of requests per second such as "> 100"');
      return { op, value: n };
  }
}

/** Parses a threshold key `metric{tag:value,…}` into its metric and scope, or an error message. */
export function parseKey(key: string): { metric: MetricRef; target?: string; phase?: string; round?: number } | string {
  const m = /^([\w.-]+)(?:\{([^}]*)\})?$/.exec(key.trim());
  if (!m) return `expected "metric" or "metric{target:name,phase:name,round:n}", got ${JSON.stringify(key)}`;
  const metric = parseMetric(m[1]!);
  if (!metric) return `unknown metric ${JSON.stringify(m[1])}; expected one of ${METRIC_NAMES.join(', ')}`;
  const out: { metric: MetricRef; target?: string; phase?: string; round?: number } = { metric };
  if (m[2] !== undefined) {
    for (const part of m[2].split(',')) {
      const t = /^\s*(target|phase|round)\s*:\s*([\w.-]+)\s*$/.exec(part);
      if (!t)
        return `bad selector ${JSON.stringify(part.trim())} in ${JSON.stringify(key)}; expected target:name, phase:name or round:n`;
      const [, tag, value] = t as unknown as [string, 'target' | 'phase' | 'round', string];
      if (out[tag] !== undefined) return `selector ${tag} given twice in ${JSON.stringify(key)}`;
      if (tag === 'round') {
        if (!/^\d+$/.test(value) || Number(value) < 1)
          return `round must be a whole number from 1, got ${JSON.stringify(value)} in ${JSON.stringify(key)}`;
        out.round = Number(value);
      } else out[tag] = value;
    }
    if (out.round !== undefined && out.phase === undefined)
      return `round:${out.round} needs a phase:name in ${JSON.stringify(key)}`;
  }
  return out;
}

/** Names a threshold's scope may refer to. */
export interface ThresholdScope {
  targets: readonly string[];
  phases: readonly string[];
}

/**
 * Checks a scenario's `thresholds` at `path`, recording every issue in `ctx`
 * (file and field named). Selectors must name targets and phases of the
 * scenario. Returns the specs (only meaningful when no issue was recorded).
 */
export function checkThresholds(raw: unknown, path: string, ctx: CheckContext, scope: ThresholdScope): ThresholdSpec[] {
  const out: ThresholdSpec[] = [];
  if (!isPlainObject(raw)) {
    ctx.issues.push({
      file: ctx.file,
      field: path,
      message: `expected an object of metric: condition, such as { 'latency.p99': '< 800ms' }, got ${describeValue(raw)}`,
    });
    return out;
  }
  for (const [key, value] of Object.entries(raw)) {
    const field = `${path}[${JSON.stringify(key)}]`;
    const parsed = parseKey(key);
    if (typeof parsed === 'string') {
      ctx.issues.push({ file: ctx.file, field, message: parsed });
      continue;
    }
    if (parsed.target !== undefined && !scope.targets.includes(parsed.target)) {
      ctx.issues.push({
        file: ctx.file,
        field,
        message: `unknown target ${JSON.stringify(parsed.target)}; the scenario's targets: ${scope.targets.join(', ')}`,
      });
    }
    if (parsed.phase !== undefined && !scope.phases.includes(parsed.phase)) {
      ctx.issues.push({
        file: ctx.file,
        field,
        message: `unknown phase ${JSON.stringify(parsed.phase)}; the scenario's phases: ${scope.phases.join(', ')}`,
      });
    }
    const rules = Array.isArray(value) ? value : [value];
    if (rules.length === 0)
      ctx.issues.push({ file: ctx.file, field, message: 'expected at least one condition, got an empty array' });
    rules.forEach((rule, i) => {
      const rf = Array.isArray(value) ? `${field}[${i}]` : field;
      let text: unknown = rule;
      let abortOnFail = false;
      if (isPlainObject(rule)) {
        for (const k of Object.keys(rule)) {
          if (k !== 'threshold' && k !== 'abortOnFail')
            ctx.issues.push({
              file: ctx.file,
              field: `${rf}.${k}`,
              message: 'unknown field; expected one of threshold, abortOnFail',
            });
        }
        text = rule.threshold;
        if (rule.abortOnFail !== undefined && typeof rule.abortOnFail !== 'boolean') {
          ctx.issues.push({
            file: ctx.file,
            field: `${rf}.abortOnFail`,
            message: `expected true or false, got ${describeValue(rule.abortOnFail)}`,
          });
        }
        abortOnFail = rule.abortOnFail === true;
        if (text === undefined)
          return ctx.issues.push({ file: ctx.file, field: `${rf}.threshold`, message: 'is required' });
      }
      if (typeof text !== 'string') {
        return ctx.issues.push({
          file: ctx.file,
          field: rf,
          message: `expected a condition string such as "< 800ms" or { threshold, abortOnFail }, got ${describeValue(text)}`,
        });
      }
      const cond = parseCondition(text, parsed.metric.unit);
      if (typeof cond === 'string')
        return ctx.issues.push({
          file: ctx.file,
          field: isPlainObject(rule) ? `${rf}.threshold` : rf,
          message: `${parsed.metric.name}: ${cond}`,
        });
      out.push({
        key,
        metric: parsed.metric,
        target: parsed.target,
        phase: parsed.phase,
        round: parsed.round,
        condition: text.trim(),
        op: cond.op,
        value: cond.value,
        abortOnFail,
      });
    });
  }
  return out;
}
