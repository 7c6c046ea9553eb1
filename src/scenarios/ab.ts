/**
 * A/B in one run: a scenario names a baseline and a candidate target, and its
 * phases run as small blocks that alternate between the two in ABBA order
 * (A B B A A B B A …), so slow drift of the machine (another tenant, thermal
 * throttling, a backup) hits both arms alike and cancels in the paired
 * comparison (metrics/compare-ab.ts): blocks 2k and 2k+1 form pair k, one block
 * of each arm, adjacent in time.
 *
 *   defineScenario({
 *     name: 'pr-gate',
 *     targets: ['fn-main', 'fn-pr'],
 *     ab: { baseline: 'fn-main', candidate: 'fn-pr', blocks: 12 },
 *     phases: [burst({ concurrency: 2, rounds: 10 })],   // one block
 *   })
 *
 * Each block is one run of the scenario's phases against one arm (the runner's
 * own runPlan, so every phase kind works), with the arm's driver prepared for
 * the block and torn down after it: every block starts from the same state
 * (cold, for a local function), so blocks are alike and pairs are fair. The
 * Result holds both targets with every block's phases in time order, each
 * phase marked with its block (`abBlock`), and `ab` saying who was which.
 */
import type { CheckContext } from '../config/check.ts';
import { mergeFigures } from '../metrics/merge.ts';
import { evaluateThresholds } from '../metrics/thresholds.ts';
import type { AbInfo, PhaseResult, Result, TargetResult } from '../model/result.ts';
import type { AbPlan, Plan } from './plan.ts';

/** What a scenario writes under `ab`. */
export interface AbSpec {
  /** Target name of the baseline arm (A). */
  baseline: string;
  /** Target name of the candidate arm (B). */
  candidate: string;
  /** How many blocks in all (even, at least 6: 3 pairs; default 10). */
  blocks?: number;
}

/** Default number of blocks: 5 pairs. */
export const DEFAULT_AB_BLOCKS = 10;

/** The arm of each block in ABBA order: A B B A A B B A … (`blocks` entries). */
export function abOrder(blocks: number): ('A' | 'B')[] {
  return Array.from({ length: blocks }, (_, i) => (i % 4 === 0 || i % 4 === 3 ? 'A' : 'B'));
}

/** Checks a scenario's `ab` against its targets; undefined (and issues) when wrong. */
export function checkAb(raw: unknown, targets: string[], ctx: CheckContext): AbPlan | undefined {
  if (raw === undefined) return undefined;
  const issue = (field: string, message: string) => ctx.issues.push({ file: ctx.file, field, message });
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    issue('ab', 'expected { baseline: "<target>", candidate: "<target>", blocks?: number }');
    return undefined;
  }
  const o = raw as Record<string, unknown>;
  for (const k of Object.keys(o))
    if (!['baseline', 'candidate', 'blocks'].includes(k))
      issue(`ab.${k}`, 'unknown setting; expected baseline, candidate or blocks');
  for (const k of ['baseline', 'candidate'] as const)
    if (typeof o[k] !== 'string' || !targets.includes(o[k] as string))
      issue(
        `ab.${k}`,
        `expected one of the scenario's targets (${targets.join(', ')}), got ${JSON.stringify(o[k] ?? null)}`,
      );
  if (typeof o.baseline === 'string' && o.baseline === o.candidate)
    issue('ab.candidate', 'the candidate must be another target than the baseline');
  const blocks = o.blocks ?? DEFAULT_AB_BLOCKS;
  if (typeof blocks !== 'number' || !Number.isInteger(blocks) || blocks < 6 || blocks % 2 || blocks > 1000)
    issue(
      'ab.blocks',
      `expected an even integer from 6 to 1000 (pairs of one A and one B block), got ${JSON.stringify(blocks)}`,
    );
  if (ctx.issues.length) return undefined;
  return { baseline: o.baseline as string, candidate: o.candidate as string, blocks: blocks as number };
}

/**
 * Runs an A/B plan: `runOne` (the runner's runPlan) once per block with the
 * block's arm as the only target, in ABBA order; stops at an abort or a failed
 * block. The result has both arms with their blocks' phases in time order.
 */
export async function runAB(
  plan: Plan & { ab: AbPlan },
  signal: AbortSignal | undefined,
  runOne: (p: Plan) => Promise<Result>,
): Promise<Result> {
  const ab = plan.ab;
  const arms = {
    A: plan.targets.find((t) => t.name === ab.baseline)!,
    B: plan.targets.find((t) => t.name === ab.candidate)!,
  };
  const blocks: { arm: 'A' | 'B'; result: Result }[] = [];
  const order = abOrder(ab.blocks);
  for (const arm of order) {
    if (signal?.aborted) break;
    const result = await runOne({ ...plan, ab: undefined, targets: [arms[arm]] });
    blocks.push({ arm, result });
    if (result.interrupted || result.targets[0]?.error) break;
  }
  const first = blocks[0]?.result;
  const last = blocks[blocks.length - 1]?.result;
  const targetOf = (arm: 'A' | 'B'): TargetResult => {
    const mine = blocks.map((b, i) => ({ ...b, block: i })).filter((b) => b.arm === arm);
    const parts = mine.map((b) => b.result.targets[0]).filter((t): t is TargetResult => !!t);
    const phases: PhaseResult[] = mine.flatMap((b) =>
      (b.result.targets[0]?.phases ?? []).map((p) => ({ ...p, abBlock: b.block })),
    );
    const summaries = parts.map((t) => t.summary).filter((s) => s !== null);
    const base = parts[0] ?? { name: arms[arm].name, provider: arms[arm].provider, function: '', memoryMB: null };
    const out = {
      ...base,
      phases,
      summary: summaries.length ? mergeFigures(summaries) : null,
    } as TargetResult;
    const errors = parts.map((t) => t.error).filter(Boolean);
    if (errors.length) out.error = errors.join('; ');
    else if (!parts.length) out.error = 'no block of this arm ran';
    return out;
  };
  const info: AbInfo = {
    baseline: ab.baseline,
    candidate: ab.candidate,
    blocks: ab.blocks,
    order: blocks.map((b) => b.arm),
  };
  const targets = [targetOf('A'), targetOf('B')];
  return {
    ...(first ?? ({} as Result)),
    targets,
    startedAt: first?.startedAt ?? new Date().toISOString(),
    finishedAt: last?.finishedAt ?? new Date().toISOString(),
    interrupted: !!signal?.aborted || blocks.some((b) => b.result.interrupted),
    thresholds: plan.thresholds?.length ? evaluateThresholds(plan.thresholds, targets) : [],
    ab: info,
  };
}
