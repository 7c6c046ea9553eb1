/**
 * JUnit XML for CI systems (GitHub, GitLab, Jenkins, Buildkite… all read it):
 * one test case per threshold and one per compared metric, so each shows up as
 * a test that passed, failed or was skipped.
 *
 * Layout: `<testsuites name="fxbench">` holding a `thresholds` suite (cases named
 * `<target> <metric> <condition>`) and one `compare: <target>` suite per compared
 * target (cases named after the metric). A regression or a crossed threshold is a
 * `<failure>`; a metric with no figure on one side is `<skipped>`; noise passes
 * with the reason in `<system-out>`.
 */
import { FxError } from '../model/errors.ts';
import { writeFileAtomic } from './files.ts';
import type { CompareVerdict } from '../metrics/compare.ts';
import type { ThresholdOutcome } from '../model/result.ts';
import { formatChange, formatValue } from './verdict.ts';

/** One test case. */
interface Case {
  classname: string;
  name: string;
  failure?: { message: string; type: string; text: string };
  skipped?: string;
  out?: string;
}

/** Escapes text for XML content and attribute values. */
export function escapeXml(s: string): string {
  // Characters XML 1.0 forbids (control characters but tab, LF, CR) are dropped.
  return (
    s
      // biome-ignore lint/suspicious/noControlCharactersInRegex: removes the control characters XML 1.0 forbids
      .replace(/[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
      .replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!)
  );
}

function suite(name: string, cases: Case[]): string {
  const failures = cases.filter((c) => c.failure).length;
  const skipped = cases.filter((c) => c.skipped !== undefined).length;
  const body = cases.map((c) => {
    const attrs = `classname="${escapeXml(c.classname)}" name="${escapeXml(c.name)}" time="0"`;
    const inner = [
      c.failure
        ? `      <failure message="${escapeXml(c.failure.message)}" type="${escapeXml(c.failure.type)}">${escapeXml(c.failure.text)}</failure>`
        : '',
      c.skipped !== undefined ? `      <skipped message="${escapeXml(c.skipped)}"/>` : '',
      c.out ? `      <system-out>${escapeXml(c.out)}</system-out>` : '',
    ].filter(Boolean);
    return inner.length ? `    <testcase ${attrs}>\n${inner.join('\n')}\n    </testcase>` : `    <testcase ${attrs}/>`;
  });
  return [
    `  <testsuite name="${escapeXml(name)}" tests="${cases.length}" failures="${failures}" errors="0" skipped="${skipped}" time="0">`,
    ...body,
    '  </testsuite>',
  ].join('\n');
}

/** Renders JUnit XML for a run's threshold outcomes and, when given, a compare verdict. */
export function renderJUnit(input: { thresholds?: ThresholdOutcome[]; verdict?: CompareVerdict }): string {
  const suites: { name: string; cases: Case[] }[] = [];
  const thresholds = input.thresholds ?? [];
  if (thresholds.length) {
    suites.push({
      name: 'thresholds',
      cases: thresholds.map((t) => ({
        classname: `fxbench.thresholds.${t.target}`,
        name: `${t.target} ${t.metric} ${t.condition}`,
        failure: t.ok
          ? undefined
          : {
              message: `${t.metric} = ${t.actual ?? 'no value'}, expected ${t.condition}`,
              type: 'threshold',
              text: `target ${t.target}: ${t.metric} was ${t.actual ?? 'not measured'}; the threshold is ${t.condition}`,
            },
      })),
    });
  }
  for (const t of input.verdict?.targets ?? []) {
    const classname = `fxbench.compare.${t.target}`;
    if (t.error) {
      suites.push({
        name: `compare: ${t.target}`,
        cases: [
          {
            classname,
            name: 'target ran',
            failure: { message: `the target failed: ${t.error}`, type: 'regression', text: t.error },
          },
        ],
      });
      continue;
    }
    suites.push({
      name: `compare: ${t.target}`,
      cases: t.metrics.map((m) => {
        const figures = `baseline ${formatValue(m, m.baseline)}, current ${formatValue(m, m.current)}, change ${formatChange(m)}, allowed ${m.allowanceText} (samples ${m.samples.baseline}/${m.samples.current})`;
        const c: Case = { classname, name: m.metric };
        if (m.verdict === 'regression')
          c.failure = {
            message: `${m.metric} regressed: ${formatChange(m)} (allowed ${m.allowanceText})`,
            type: 'regression',
            text: figures,
          };
        else if (m.verdict === 'n/a') c.skipped = m.note ?? 'no figure';
        else c.out = `${m.verdict}: ${figures}${m.note ? `; ${m.note}` : ''}`;
        return c;
      }),
    });
  }
  const all = suites.flatMap((s) => s.cases);
  const failures = all.filter((c) => c.failure).length;
  const skipped = all.filter((c) => c.skipped !== undefined).length;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="fxbench" tests="${all.length}" failures="${failures}" errors="0" skipped="${skipped}" time="0">`,
    ...suites.map((s) => suite(s.name, s.cases)),
    '</testsuites>',
    '',
  ].join('\n');
}

/** Writes JUnit XML to `file` (whole or not at all); a file that cannot be written is a run failure (exit 3) naming it. */
export function writeJUnit(file: string, input: { thresholds?: ThresholdOutcome[]; verdict?: CompareVerdict }): void {
  try {
    writeFileAtomic(file, renderJUnit(input));
  } catch (err) {
    throw FxError.runFailed((err as Error).message, err);
  }
}
