/**
 * Reads a results.json for `compare` and checks that it can be compared: it
 * exists, is JSON, has a schema version this fxbench reads, and every target has
 * the counters and decodable histograms the comparison recomputes from. Every
 * problem comes back as an issue naming the file and the field (exit 2).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isPlainObject } from '../config/check.ts';
import { FxError, type Issue } from '../model/errors.ts';
import { SCHEMA_VERSION, type Result } from '../model/result.ts';
import { decodeHistogram } from './histogram.ts';

const HISTOGRAM_SETS = ['all', 'warm', 'cold', 'init'] as const;

/** Reads and checks a result file; throws FxError (exit 2) listing every issue. */
export function readResultFile(file: string): Result {
  if (!existsSync(file) || !statSync(file).isFile())
    throw FxError.invalid([{ file, message: 'results file not found' }]);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw FxError.invalid([{ file, message: `not valid JSON: ${(err as Error).message}` }]);
  }
  const issues = checkResult(raw, file);
  if (issues.length) throw FxError.invalid(issues);
  return raw as Result;
}

/** Checks a parsed result; returns every issue found (empty when it can be compared). */
export function checkResult(raw: unknown, file?: string): Issue[] {
  const issues: Issue[] = [];
  const add = (field: string | undefined, message: string) => issues.push({ file, field, message });
  if (!isPlainObject(raw)) {
    add(undefined, 'expected a results object (results.json written by fxbench run)');
    return issues;
  }
  if (raw.schemaVersion !== SCHEMA_VERSION) {
    add(
      'schemaVersion',
      `this fxbench reads schema version ${SCHEMA_VERSION}, got ${JSON.stringify(raw.schemaVersion ?? null)}${typeof raw.schemaVersion === 'number' && raw.schemaVersion > SCHEMA_VERSION ? ' (written by a newer fxbench: upgrade)' : ''}`,
    );
    return issues;
  }
  if (!Array.isArray(raw.targets)) {
    add('targets', 'expected an array of targets');
    return issues;
  }
  const names = new Set<string>();
  raw.targets.forEach((t: unknown, i: number) => {
    const at = `targets[${i}]`;
    if (!isPlainObject(t)) return add(at, 'expected a target object');
    if (typeof t.name !== 'string' || !t.name) return add(`${at}.name`, 'expected the target name');
    if (names.has(t.name)) add(`${at}.name`, `target ${JSON.stringify(t.name)} appears twice`);
    names.add(t.name);
    if (!Array.isArray(t.phases)) return add(`${at}.phases`, 'expected an array of phases');
    t.phases.forEach((p: unknown, j: number) => checkFigures(p, `${at}.phases[${j}]`, add));
    if (t.phases.length === 0 && t.summary) checkFigures(t.summary, `${at}.summary`, add);
  });
  if (!Array.isArray(raw.thresholds ?? [])) add('thresholds', 'expected an array of threshold outcomes');
  return issues;
}

function checkFigures(p: unknown, at: string, add: (field: string, message: string) => void): void {
  if (!isPlainObject(p)) return add(at, 'expected a phase object');
  for (const k of ['requests', 'ok'] as const)
    if (typeof p[k] !== 'number' || !Number.isFinite(p[k])) add(`${at}.${k}`, 'expected a number');
  if (!isPlainObject(p.errors) || Object.values(p.errors).some((v) => typeof v !== 'number'))
    add(`${at}.errors`, 'expected error counts by class');
  if (!isPlainObject(p.histograms))
    return add(`${at}.histograms`, 'expected the encoded histograms (all, warm, cold, init)');
  for (const s of HISTOGRAM_SETS) {
    const enc = p.histograms[s];
    if (typeof enc !== 'string') {
      add(`${at}.histograms.${s}`, 'expected an encoded HdrHistogram (base64)');
      continue;
    }
    try {
      decodeHistogram(enc);
    } catch (err) {
      add(`${at}.histograms.${s}`, `cannot decode the histogram: ${(err as Error).message}`);
    }
  }
}
