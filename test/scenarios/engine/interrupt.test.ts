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
  test(`SIGINT once 150 requests of a 30 s phase were answered${workers > 1 ? ` with --workers ${workers}` : ''}: exit 130, partial result, no drops counted`, async () => {
    const out = path.join(tmp.dir, `w${workers}`);
    const answered = async () => Number(await (await fetch(`${server!.url}/count`)).text());
    const before = await answered();
    const child = startCli(
      [
        'run',
        'test/fixtures/engine/long-steady-url.ts',
        '--out',
        out,
        ...(workers > 1 ? ['--workers', String(workers)] : []),
      ],
      { env: { FXBENCH_TEST_URL: server!.url } },
    );
    pids.push(child.pid!);
    await waitFor(() => /▶ srv/.test(child.out.stderr), 30_000, 'the target to start');
    // Load under way (~1.5 s at 100/s): the server has answered 150 of this run's requests.
    await waitFor(async () => (await answered()) - before >= 150, 30_000, 'the server to answer 150 requests');
    const t0 = performance.now();
    child.kill('SIGINT');
    const r = await finished(child, 20_000);
    assert.is(r.code, 130, r.stderr);
    assert.ok(performance.now() - t0 < 10_000, 'stopped promptly');
    const result = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')) as Result;
    assert.is(result.interrupted, true);
    const p = result.targets[0]!.phases[0]!;
    // At least the 150 answered before the signal, well short of the 3000 planned (tolerance: how long the signal takes on a shared machine).
    assert.ok(p.requests >= 150 && p.requests < 1500, `requests ${p.requests}`);
    assert.is(p.dropped, 0, 'sends never owed because of the interrupt are not counted as dropped');
    assert.is(p.ok, p.requests);
  });
}

test.run();
