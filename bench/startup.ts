/**
 * What starting fxbench costs: process CPU time (user + system, the whole
 * process tree) of `fxbench --version` and `fxbench --help` from the build
 * (dist/, as installed from the package), against `node -e 0` on the same Node,
 * same run (`npm run bench:startup`). For reference, `--version` from the
 * sources through tsx (how a clone runs). Alternating runs, medians.
 *   Goal: --version and --help under 150 ms of CPU each.
 *
 * CPU time, not wall time: on a shared machine other tenants stretch the wall
 * clock, much less the CPU a process itself burns. It is read with bash's
 * `times` (the children's user and system time), so no extra tool is needed.
 * dist/ is built first when missing or older than src/.
 *
 * Environment: BENCH_QUICK=1 for a short run (CI smoke).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const QUICK = process.env.BENCH_QUICK === '1';
const RUNS = QUICK ? 3 : 15;
const GOAL_MS = 150;
const BIN = path.join(ROOT, 'bin/fxbench.mjs');

interface Case {
  name: string;
  args: string[];
  env?: Record<string, string>;
  goal: boolean;
}

const CASES: Case[] = [
  { name: 'node -e 0', args: ['-e', '0'], goal: false },
  { name: 'fxbench --version', args: [BIN, '--version'], env: { FXBENCH_DIST: '1' }, goal: true },
  { name: 'fxbench --help', args: [BIN, '--help'], env: { FXBENCH_DIST: '1' }, goal: true },
  { name: 'fxbench --version (sources, tsx)', args: [BIN, '--version'], env: { FXBENCH_DIST: '0' }, goal: false },
];

/** Newest modification time under `dir`, ms. */
function newest(dir: string): number {
  let t = 0;
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    const s = statSync(p);
    t = Math.max(t, s.isDirectory() ? newest(p) : s.mtimeMs);
  }
  return t;
}

function ensureBuilt(log: (s: string) => void): void {
  const entry = path.join(ROOT, 'dist/cli/index.js');
  if (existsSync(entry) && statSync(entry).mtimeMs >= newest(path.join(ROOT, 'src'))) return;
  log('building dist/ (npm run build)…');
  const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts/build.mjs')], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`build failed (exit ${r.status})`);
}

/** CPU ms (user + system) of one run of `node …args`, measured by bash's `times` for its children. */
function cpuMs(c: Case): number {
  const quote = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;
  const command = [process.execPath, ...c.args].map(quote).join(' ');
  const r = spawnSync('bash', ['-c', `${command} >/dev/null 2>&1 || exit 9; times`], {
    cwd: ROOT,
    env: { ...process.env, ...c.env },
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`${c.name}: exit ${r.status}\n${r.stderr}`);
  // `times` prints the shell's own times, then its children's: "0m0.120s 0m0.030s".
  const children = r.stdout.trim().split('\n')[1] ?? '';
  const secs = [...children.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
  if (secs.length !== 2) throw new Error(`${c.name}: cannot read times from ${JSON.stringify(r.stdout)}`);
  return (secs[0]! + secs[1]!) * 1000;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** Runs the benchmark, prints its table; resolves to whether every goal was met. */
export async function benchStartup(log: (s: string) => void = (s) => process.stdout.write(`${s}\n`)): Promise<boolean> {
  ensureBuilt(log);
  for (const c of CASES) cpuMs(c); // warm the file cache (and Node's compile cache where it has one)
  const samples = new Map(CASES.map((c) => [c.name, [] as number[]]));
  for (let i = 0; i < RUNS; i++) for (const c of CASES) samples.get(c.name)!.push(cpuMs(c));
  const base = median(samples.get('node -e 0')!);
  const rows = CASES.map((c) => {
    const xs = samples.get(c.name)!;
    const med = median(xs);
    const ok = !c.goal || med < GOAL_MS;
    return {
      cells: [
        c.name,
        `${med.toFixed(0)} ms`,
        `${Math.min(...xs).toFixed(0)} ms`,
        `${(med / base).toFixed(2)}×`,
        c.goal ? `< ${GOAL_MS} ms` : '(reported)',
        c.goal ? (ok ? 'yes' : 'NO') : '',
      ],
      ok,
    };
  });
  const header = ['command', 'CPU median', 'CPU min', 'vs node -e 0', 'goal', 'met'];
  const width = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r.cells[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(width[i]!))
      .join('  ')
      .trimEnd();
  log(`\nstartup: process CPU time (user + system), median of ${RUNS} alternating runs`);
  log(line(header));
  log(line(width.map((w) => '─'.repeat(w))));
  for (const r of rows) log(line(r.cells));
  log(`\n(${os.cpus().length} cores, Node ${process.version}, load average ${os.loadavg()[0]!.toFixed(1)})`);
  return rows.every((r) => r.ok);
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = (await benchStartup()) ? 0 : 1;
