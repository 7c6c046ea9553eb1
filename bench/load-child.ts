/**
 * One load-generator run for bench/load.ts, in its own process (so it can be
 * pinned to a core with taskset and its CPU measured alone):
 *
 *   node --import tsx bench/load-child.ts <fxbench|autocannon> <url> <connections> <seconds>
 *
 * Prints one JSON line: { requests, seconds, rps, cpuMs, errors }. CPU is this
 * process's user + system time around the load only (not start-up).
 */
import autocannon from 'autocannon';
import type { CheckContext } from '../src/config/check.ts';
import { httpProvider } from '../src/drivers/http/provider.ts';
import { steadyPhase } from '../src/scenarios/phases/steady.ts';
import { runPlan } from '../src/scenarios/runner.ts';

const [tool, url, c, s] = process.argv.slice(2);
const connections = Number(c);
const seconds = Number(s);

async function fxbench(): Promise<{ requests: number; errors: number }> {
  const ctx: CheckContext = { issues: [] };
  const resolved = httpProvider.resolve({ provider: 'http', url: url ?? '', method: 'GET' }, 't', ctx, {
    functions: new Map(),
    configFile: '',
  })!;
  const settings = steadyPhase.check({ kind: 'steady', users: connections, duration: seconds * 1000 }, 'p', ctx)!;
  if (ctx.issues.length) throw new Error(JSON.stringify(ctx.issues));
  const plan = {
    file: 'bench',
    name: 'bench-load',
    targets: [{ name: 't', provider: 'http', function: '', arch: 'x86_64' as const, options: {}, ...resolved }],
    phases: [{ kind: 'steady', name: 'steady', settings: settings as unknown as Record<string, unknown> }],
    payload: Buffer.alloc(0),
    outRoot: '/tmp',
  };
  const r = await runPlan(plan);
  const p = r.targets[0]!.phases[0]!;
  return { requests: p.requests, errors: p.requests - p.ok };
}

async function cannon(): Promise<{ requests: number; errors: number }> {
  const r = await autocannon({ url: url!, connections, duration: seconds });
  return { requests: r.requests.total, errors: r.errors + r.non2xx };
}

const cpu0 = process.cpuUsage();
const t0 = performance.now();
const { requests, errors } = tool === 'fxbench' ? await fxbench() : await cannon();
const took = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
process.stdout.write(
  JSON.stringify({ requests, seconds: took, rps: requests / took, cpuMs: (cpu.user + cpu.system) / 1000, errors }) +
    '\n',
);
