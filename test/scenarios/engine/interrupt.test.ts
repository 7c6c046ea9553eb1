// Ctrl-C with the load engine's loops, as a user presses it: the open loop stops
// scheduling at once, in-flight invocations finish, the partial result is
// written with "interrupted": true, exit 130 — in one process and with workers.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Result } from '../../../src/model/result.ts';
import { alive, finished, scratch, startCli, waitFor } from '../../helpers/cli.ts';
import { startServer, type TestServer } from '../../helpers/servers.ts';

const test = suite('Ctrl-C during steady load');
const tmp = scratch();
let server: TestServer | undefined;
const pids: number[] = [];
test.before(async () => {
  server = await startServer('trivial');
});
test.after(() => {
  server?.stop();
  for (const pid of pids) if (alive(pid)) process.kill(pid, 'SIGKILL');
  tmp.cleanup();
});

for (const workers of [1, 2]) {
  test(`SIGINT after ~2 s of a 30 s phase${workers > 1 ? ` with --workers ${workers}` : ''}: exit 130, partial result, no drops counted`, async () => {
    const out = path.join(tmp.dir, `w${workers}`);
    const child = startCli(['run', 'test/fixtures/engine/long-steady-url.ts', '--out', out, ...(workers > 1 ? ['--workers', String(workers)] : [])], { env: { FXBENCH_TEST_URL: server!.url } });
    pids.push(child.pid!);
    await waitFor(() => /▶ srv/.test(child.out.stderr), 30_000, 'the target to start');
    await new Promise((r) => setTimeout(r, 2000));
    const t0 = performance.now();
    child.kill('SIGINT');
    const r = await finished(child, 20_000);
    assert.is(r.code, 130, r.stderr);
    assert.ok(performance.now() - t0 < 10_000, 'stopped promptly');
    const result = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')) as Result;
    assert.is(result.interrupted, true);
    const p = result.targets[0]!.phases[0]!;
    // ~2 s at 100/s: well short of the 3000 planned; tolerance for start-up and the shared machine.
    assert.ok(p.requests >= 50 && p.requests < 1500, `requests ${p.requests}`);
    assert.is(p.dropped, 0, 'sends never owed because of the interrupt are not counted as dropped');
    assert.is(p.ok, p.requests);
  });
}

test.run();
