/**
 * Memory stays flat however long the run, and what recording one sample costs.
 * Each measurement is a fresh process (peak RSS, `maxRSS`): 10,000 vs 1,000,000
 * invocations, through the whole engine with a fake driver and through the
 * recorder alone (1,000 simulated seconds of per-second timeline).
 *   Goal: a 1,000,000-invocation run grows peak RSS by < 50 MB over a 10,000 one.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

function measure(mode: string, n: number): Promise<{ maxRssMB: number; nsPerSample: number }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(ROOT, 'bench/load-memory-child.ts'), mode, String(n)],
    { cwd: ROOT },
  );
  let out = '';
  let err = '';
  child.stdout.on('data', (c) => (out += c));
  child.stderr.on('data', (c) => (err += c));
  const timer = setTimeout(() => child.kill('SIGKILL'), 300_000);
  return new Promise((resolve, reject) =>
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`${mode} ${n} failed (${code}): ${err}`));
      resolve(JSON.parse(out.trim().split('\n').at(-1)!));
    }),
  );
}

/** Runs the measurements; resolves true when memory growth is under the goal. */
export async function benchLoadMemory(): Promise<boolean> {
  process.stdout.write('\n## memory over run length, and recording cost per sample (fresh process each)\n');
  const header = ['path', '10k peak RSS MB', '1M peak RSS MB', 'growth MB', 'ns/sample (1M)', 'verdict'];
  const rows: string[][] = [];
  let ok = true;
  for (const mode of ['recorder', 'runner']) {
    const small = await measure(mode, 10_000);
    const big = await measure(mode, 1_000_000);
    const growth = big.maxRssMB - small.maxRssMB;
    if (growth >= 50) ok = false;
    rows.push([
      mode === 'runner' ? 'engine (runPlan + fake driver)' : 'recorder alone',
      small.maxRssMB.toFixed(1),
      big.maxRssMB.toFixed(1),
      growth.toFixed(1),
      big.nsPerSample.toFixed(0),
      growth < 50 ? 'goal met (< 50 MB)' : 'DEFECT (≥ 50 MB)',
    ]);
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  for (const r of [header, ...rows])
    process.stdout.write(`${r.map((x, i) => (i < 1 ? x.padEnd(widths[i]!) : x.padStart(widths[i]!))).join('  ')}\n`);
  return ok;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = (await benchLoadMemory()) ? 0 : 1;
