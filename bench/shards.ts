/**
 * Merged shards against one process (`npm run bench:shards`): the same open-model
 * steady scenario against the same 127.0.0.1 HTTP server (its own process,
 * answering each request after DELAY_MS), run once by one `fxbench run` and once as
 * N `fxbench run --shard i/N` processes started together and combined with
 * `fxbench merge`. Prints one row per run: requests, ok, late, p50, p99, max,
 * throughput, and for the shards how far apart they started. Rounds alternate
 * the two ways, so machine drift hits both.
 *
 * What it shows: a merged result counts exactly the planned requests (rate ×
 * duration), like one process, and its percentiles come from the added
 * histograms; the shards' start spread is the skew between generators (here,
 * the difference in their start-up times: they are started at the same instant).
 *
 * Environment: BENCH_QUICK=1 for a short run (CI smoke): 2 shards, 50/s for 2 s,
 * one round. Full: 4 shards, 200/s for 10 s, 2 rounds. Exits 1 when a merge does
 * not count the planned requests, or a run fails.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const BIN = path.join(ROOT, 'bin/fxbench.mjs');
const QUICK = process.env.BENCH_QUICK === '1';
const SHARDS = QUICK ? 2 : 4;
const RATE = QUICK ? 50 : 200;
const SECONDS = QUICK ? 2 : 10;
const ROUNDS = QUICK ? 1 : 2;
const DELAY_MS = 5;

interface PhaseFigures {
  requests: number;
  ok: number;
  late?: number;
  throughputRps: number;
  latencyMs: { p50: number; p99: number; max: number } | null;
}
interface ResultFile {
  startedAt: string;
  targets: { phases: PhaseFigures[] }[];
}

/** Runs `node args…` in `cwd`; resolves to its exit code and output. */
function run(args: string[], cwd: string): Promise<{ code: number | null; out: string }> {
  const child = spawn(process.execPath, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (c) => (out += c));
  child.stderr.on('data', (c) => (out += c));
  const timer = setTimeout(() => child.kill('SIGKILL'), (SECONDS + 120) * 1000);
  return new Promise((resolve) =>
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    }),
  );
}

/** The target server: its own process on 127.0.0.1, each answer after DELAY_MS. Stopped by PID. */
function startServer(): Promise<{ url: string; stop(): void }> {
  const code = `const s = require('node:http').createServer((q, r) => { q.resume(); setTimeout(() => r.end('ok'), ${DELAY_MS}); });
s.keepAliveTimeout = 60000; s.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: s.address().port })));`;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (c) => {
      out += c;
      const m = /"port":(\d+)/.exec(out);
      if (m) resolve({ url: `http://127.0.0.1:${m[1]}/`, stop: () => void child.kill('SIGKILL') });
    });
    child.on('exit', (c) => reject(new Error(`server exited (${c}) before listening`)));
  });
}

const phaseOf = (file: string) => {
  const r = JSON.parse(readFileSync(file, 'utf8')) as ResultFile;
  return { r, p: r.targets[0]!.phases[0]! };
};

interface Row {
  run: string;
  p: PhaseFigures;
  spreadMs?: number;
}

async function single(dir: string, scenario: string, round: number): Promise<Row> {
  const out = path.join(dir, `single-${round}`);
  const r = await run([BIN, 'run', scenario, '--out', out, '--quiet'], dir);
  if (r.code !== 0) throw new Error(`single run failed (exit ${r.code}):\n${r.out}`);
  return { run: `1 process, round ${round}`, p: phaseOf(path.join(out, 'results.json')).p };
}

async function sharded(dir: string, scenario: string, round: number): Promise<Row> {
  const outs = Array.from({ length: SHARDS }, (_, i) => path.join(dir, `shard-${round}-${i + 1}`));
  const runs = await Promise.all(
    outs.map((out, i) => run([BIN, 'run', scenario, '--shard', `${i + 1}/${SHARDS}`, '--out', out, '--quiet'], dir)),
  );
  runs.forEach((r, i) => {
    if (r.code !== 0) throw new Error(`shard ${i + 1}/${SHARDS} failed (exit ${r.code}):\n${r.out}`);
  });
  const merged = path.join(dir, `merged-${round}.json`);
  const m = await run([BIN, 'merge', ...outs.map((o) => path.join(o, 'results.json')), '-o', merged, '--quiet'], dir);
  if (m.code !== 0) throw new Error(`merge failed (exit ${m.code}):\n${m.out}`);
  const starts = outs.map((o) => Date.parse(phaseOf(path.join(o, 'results.json')).r.startedAt));
  return {
    run: `${SHARDS} shards merged, round ${round}`,
    p: phaseOf(merged).p,
    spreadMs: Math.max(...starts) - Math.min(...starts),
  };
}

function table(rows: Row[]): string {
  const head = ['run', 'requests', 'ok', 'late', 'p50', 'p99', 'max', 'throughput', 'start spread'];
  const ms = (v: number | undefined) => (v === undefined ? 'n/a' : `${v.toFixed(2)} ms`);
  const body = rows.map((r) => [
    r.run,
    String(r.p.requests),
    String(r.p.ok),
    r.p.late === undefined ? 'n/a' : String(r.p.late),
    ms(r.p.latencyMs?.p50),
    ms(r.p.latencyMs?.p99),
    ms(r.p.latencyMs?.max),
    `${r.p.throughputRps.toFixed(1)}/s`,
    r.spreadMs === undefined ? '' : `${r.spreadMs} ms`,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(head), line(widths.map((w) => '─'.repeat(w))), ...body.map(line)].join('\n');
}

async function main(): Promise<number> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fxbench-bench-shards-'));
  const server = await startServer();
  try {
    mkdirSync(dir, { recursive: true });
    const scenario = path.join(dir, 'steady-http.ts');
    writeFileSync(
      scenario,
      `import { defineScenario, steady } from 'fxbench';
export default defineScenario({
  name: 'bench-shards',
  targets: [{ name: 'server', provider: 'http', url: ${JSON.stringify(server.url)}, method: 'GET' }],
  phases: [steady({ rate: ${RATE}, duration: '${SECONDS}s' })],
});
`,
    );
    const load = os.loadavg().map((l) => l.toFixed(1));
    console.log(
      `bench:shards ${new Date().toISOString()}: steady ${RATE}/s for ${SECONDS} s (open model, ${RATE * SECONDS} requests planned) against a 127.0.0.1 server answering after ${DELAY_MS} ms; ${os.cpus().length} cores, Node ${process.version}, load average ${load.join(' ')}`,
    );
    const rows: Row[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      // Alternate which way goes first, so drift of the machine hits both.
      const order = round % 2 ? [single, sharded] : [sharded, single];
      for (const f of order) rows.push(await f(dir, scenario, round));
    }
    console.log(table(rows));
    const planned = RATE * SECONDS;
    const wrong = rows.filter((r) => r.p.requests !== planned);
    if (wrong.length) {
      console.log(`NOT as planned (${planned} requests): ${wrong.map((r) => `${r.run} ${r.p.requests}`).join(', ')}`);
      return 1;
    }
    console.log(`every run, single or merged, counted the ${planned} planned requests`);
    return 0;
  } finally {
    server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

process.exitCode = await main();
