// The lambda driver against `fxbench serve` (a real CLI process on 127.0.0.1,
// port 0) at its Lambda Invoke API path. NO CLOUD. serve has no control plane
// (GetFunctionConfiguration is an UnknownOperationException there), so the
// driver checks the function with a DryRun invocation and runs without
// forceCold/setMemory; cold starts and billing come from serve's REPORT lines.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { LambdaDriver } from '../../../src/drivers/lambda/driver.ts';
import { loadScenario } from '../../../src/scenarios/load.ts';
import { runPlan } from '../../../src/scenarios/runner.ts';
import { alive, descendants, finished, isFxError, scratch, startCli, waitFor } from '../../helpers/cli.ts';
import type { ResolvedTarget } from '../../../src/model/target.ts';

process.env.AWS_ACCESS_KEY_ID = 'AKIDEXAMPLE';
process.env.AWS_SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
process.env.AWS_CONFIG_FILE = '/nonexistent/fxbench-config';
process.env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/fxbench-credentials';
process.env.AWS_EC2_METADATA_DISABLED = 'true';

type Cli = ReturnType<typeof startCli>;
let serve: { cli: Cli; url: string };
const seenPids = new Set<number>();
const drivers: LambdaDriver[] = [];
const payload = (o: unknown) => ({ seq: 0, payload: Buffer.from(JSON.stringify(o)) });
function target(fn: string): ResolvedTarget {
  return {
    name: `serve-${fn}`,
    provider: 'lambda',
    function: fn,
    arch: 'x86_64',
    options: { region: 'us-east-1', endpoint: serve.url },
  };
}
async function driverFor(fn: string): Promise<LambdaDriver> {
  const d = new LambdaDriver(target(fn));
  drivers.push(d);
  await d.prepare();
  return d;
}

const test = suite('lambda driver against fxbench serve');
test.before(async () => {
  const cli = startCli(['serve', '--port', '0', '--config', 'test/fixtures/runtime/bench.config.ts']);
  await waitFor(
    () => /listening on (http:\S+)/.test(cli.out.stdout) || cli.exitCode !== null,
    30_000,
    'fxbench serve to listen',
  );
  const url = /listening on (http:\S+)/.exec(cli.out.stdout)?.[1];
  assert.ok(url, `serve started:\n${cli.out.stderr}`);
  serve = { cli, url: url! };
});
test.after(async () => {
  for (const d of drivers.splice(0)) await d.close();
  serve.cli.kill('SIGTERM');
  await finished(serve.cli, 15_000);
  for (const pid of seenPids) assert.not.ok(alive(pid), `instance ${pid} stopped`);
});

test('prepare checks the function by DryRun; cold then warm from the REPORT line; memory from it too', async () => {
  const d = await driverFor('hello');
  assert.is(d.capabilities.forceCold, false, 'no control plane: no forceCold');
  const cold = await d.invoke(payload({ name: 'x' }));
  for (const pid of descendants(serve.cli.pid!)) seenPids.add(pid);
  assert.equal([cold.status, cold.errorClass, cold.cold, cold.coldMethod], [200, null, true, 'provider']);
  assert.ok(
    cold.initMs! > 0 && cold.billedMs! >= Math.ceil(cold.durationMs!),
    `init ${cold.initMs}, billed ${cold.billedMs}, duration ${cold.durationMs}`,
  );
  assert.match(cold.requestId!, /^[0-9a-f-]{36}$/);
  const warm = await d.invoke(payload({}));
  assert.equal([warm.cold, warm.initMs], [false, undefined]);
  assert.is(d.info().memoryMB, 128);
});

test('a thrown error is function-error (200 + X-Amz-Function-Error); an unknown function fails prepare', async () => {
  const d = await driverFor('fail');
  const o = await d.invoke(payload({ fail: 'throw' }));
  assert.equal([o.status, o.errorClass], [200, 'function-error']);
  const e = await isFxError(() => driverFor('nope'), { exitCode: 3 });
  assert.match(
    e.message,
    /^target serve-nope: function nope not found in region us-east-1 \(ResourceNotFoundException/,
  );
});

test('through the runner: burst 3 × 2 on python-hello (a custom runtime) → 3 cold, then 0', async () => {
  const tmp = scratch();
  try {
    writeFileSync(path.join(tmp.dir, 'package.json'), '{"type":"module"}\n');
    const file = path.join(tmp.dir, 'serve-burst.ts');
    writeFileSync(
      file,
      `export default { name: 'serve-burst', targets: [{ name: 'py', provider: 'lambda', function: 'python-hello', region: 'us-east-1', endpoint: '${serve.url}' }], phases: [{ kind: 'burst', concurrency: 3, rounds: 2, gap: 50 }] };\n`,
    );
    const result = await runPlan(await loadScenario(file, { cwd: tmp.dir }), {
      onEvent: () => descendants(serve.cli.pid!).forEach((p) => seenPids.add(p)),
    });
    const t = result.targets[0]!;
    assert.is(t.error, undefined);
    assert.equal(
      t.phases.map((p) => [p.requests, p.ok, p.coldStarts]),
      [
        [3, 3, 3],
        [3, 3, 0],
      ],
    );
    assert.is(t.memoryMB, 128);
    assert.ok(t.phases[1]!.cost!.perInvocationUSD > 0.0000002);
  } finally {
    tmp.cleanup();
  }
});

test.run();
