// test-timeout: 120 s
// A failed local invocation is counted with its cause from the Lambda error body
// ({errorType, errorMessage}), not "HTTP 200": a burst of 100 Node starts on 2
// cores reported 24 init errors whose only cause was "HTTP 200", when the runtime
// had said "INIT phase exceeded 10 s". Real `fxbench run`, real instances of
// functions/fail on the local runtime (127.0.0.1).
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { errorBodyCause } from '../../../src/drivers/local/driver.ts';
import type { Result } from '../../../src/model/result.ts';
import { ROOT, runCli, scratch } from '../../helpers/cli.ts';

const test = suite('local driver: error causes from the error body');
const tmp = scratch('fxbench-error-causes-');
test.after(() => tmp.cleanup());

test('errorBodyCause: type and the first line of the message, 80 characters; nothing from a body that is not one', () => {
  assert.is(
    errorBodyCause('{"errorType":"Runtime.ExitError","errorMessage":"INIT phase exceeded 10 s"}'),
    'Runtime.ExitError: INIT phase exceeded 10 s',
  );
  assert.is(errorBodyCause('{"errorType":"Error","errorMessage":"first\\nsecond"}'), 'Error: first');
  assert.is(errorBodyCause('{"errorMessage":"only a message"}'), 'only a message');
  assert.is(errorBodyCause(`{"errorType":"E","errorMessage":"${'x'.repeat(200)}"}`)!.length, 80);
  assert.is(errorBodyCause('not json'), undefined);
  assert.is(errorBodyCause('{"ok":true}'), undefined);
  assert.is(errorBodyCause('"a string"'), undefined);
});

test('a handler that throws: function-error counted with "Error: failed on demand"', async () => {
  writeFileSync(
    path.join(tmp.dir, 'bench.config.ts'),
    `export default { functions: { fail: { kind: 'node', code: ${JSON.stringify(path.join(ROOT, 'functions/fail'))} } }, targets: { 'local-fail': { provider: 'local', function: 'fail' } } };\n`,
  );
  writeFileSync(
    path.join(tmp.dir, 'throws.ts'),
    `export default { name: 'throws', targets: ['local-fail'], payload: { fail: 'throw' }, phases: [{ kind: 'burst', concurrency: 2, rounds: 2, gap: '10ms' }] };\n`,
  );
  const out = path.join(tmp.dir, 'out');
  const r = await runCli(['run', 'throws.ts', '--out', out, '-q', '--no-history'], { cwd: tmp.dir, timeoutMs: 90_000 });
  assert.is(r.code, 0, r.stderr);
  const res = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')) as Result;
  const s = res.targets[0]!.summary!;
  assert.is(s.errors['function-error'], 4);
  assert.equal(s.errorCauses?.['function-error'], [{ cause: 'Error: failed on demand', count: 4 }]);
  assert.match(r.stdout, /local-fail\/burst #1: 2 function-error \(Error: failed on demand\)/);
  assert.not.match(r.stdout, /HTTP 200/);
});

test.run();
