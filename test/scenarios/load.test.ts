// Scenario loading and validation: every problem is reported with the file, the
// field and what was expected (exit 2), and nothing is sent.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ExitCode } from '../../src/model/errors.ts';
import { loadScenario } from '../../src/scenarios/load.ts';
import { isFxError, ROOT } from '../helpers/cli.ts';

const F = 'test/fixtures/scenarios';
const load = (file: string) => loadScenario(file, { cwd: ROOT });

const valid = suite('loadScenario: valid files');

valid('resolves targets from bench.config.ts and phases with units', async () => {
  const plan = await load(`${F}/small-burst.ts`);
  assert.is(plan.name, 'small-burst');
  assert.is(plan.configFile, 'bench.config.ts');
  assert.is(plan.targets.length, 1);
  assert.is(plan.targets[0]!.provider, 'local');
  assert.is(plan.targets[0]!.localFunction!.memoryMB, 128);
  assert.ok(plan.targets[0]!.localFunction!.entry.endsWith('functions/hello/index.mjs'));
  assert.equal(plan.phases[0], {
    kind: 'burst',
    name: 'burst',
    settings: { name: 'burst', concurrency: 4, rounds: 2, gapMs: 100 },
  });
  assert.is(plan.payload.toString(), '{}');
});

valid('the shipped scenarios/burst.ts loads', async () => {
  const plan = await load('scenarios/burst.ts');
  assert.equal(
    plan.targets.map((t) => t.name),
    ['local-hello', 'local-heavy'],
  );
});

valid.run();

// ---

const invalid = suite('loadScenario: invalid files exit 2 naming file and field');

invalid('a missing file', async () => {
  await isFxError(() => load(`${F}/nope.ts`), {
    exitCode: ExitCode.badInput,
    file: `${F}/nope.ts`,
    message: /not found/,
  });
});

invalid('a misspelled field is unknown, and the required one is missing', async () => {
  const err = await isFxError(() => load(`${F}/bad-typo.ts`), {
    exitCode: ExitCode.badInput,
    file: `${F}/bad-typo.ts`,
    field: 'phases[0].concurency',
    message: /unknown field; expected one of kind, name, concurrency, rounds, gap/,
  });
  assert.ok(err.issues.some((i) => i.field === 'phases[0].concurrency' && /is required/.test(i.message)));
});

invalid('wrongly typed fields: every issue at once, quoting the bad value', async () => {
  const err = await isFxError(() => load(`${F}/bad-type.ts`), {
    exitCode: ExitCode.badInput,
    field: 'phases[0].concurrency',
    message: /expected an integer from 1 to 10000, got "50"/,
  });
  assert.ok(
    err.issues.some((i) => i.field === 'phases[0].gap' && /expected a duration .* got "soon"/.test(i.message)),
    err.message,
  );
  assert.match(err.message, `${F}/bad-type.ts: phases[0].concurrency: expected an integer from 1 to 10000, got "50"`);
});

invalid('unknown targets and functions name what exists', async () => {
  const err = await isFxError(() => load(`${F}/bad-target.ts`), {
    exitCode: ExitCode.badInput,
    field: 'targets[0]',
    message: /unknown target "local-helo"; targets in bench.config.ts: local-hello/,
  });
  assert.ok(
    err.issues.some(
      (i) =>
        i.field === 'targets[1].function' && /unknown local function "nope"; declared functions: hello/.test(i.message),
    ),
    err.message,
  );
});

invalid(
  'a named target with no config file says where fxbench looked, and names a config it does not read',
  async () => {
    // A plain object scenario (no import of 'fxbench': the folder is outside the package).
    const dir = mkdtempSync(path.join(os.tmpdir(), 'fxbench-noconfig-'));
    try {
      mkdirSync(path.join(dir, 'scenarios'));
      writeFileSync(
        path.join(dir, 'scenarios/s.mjs'),
        "export default { name: 's', targets: ['local-mine'], phases: [{ kind: 'burst', concurrency: 1 }] };\n",
      );
      await isFxError(() => loadScenario('scenarios/s.mjs', { cwd: dir }), {
        exitCode: ExitCode.badInput,
        field: 'targets[0]',
        message:
          /^unknown target "local-mine"; no bench\.config\.ts found \(looked in scenarios and its parents, and in the current folder\)$/,
      });
      writeFileSync(path.join(dir, 'bench.config.mjs'), 'export default { targets: {} };\n');
      await isFxError(() => loadScenario('scenarios/s.mjs', { cwd: dir }), {
        exitCode: ExitCode.badInput,
        field: 'targets[0]',
        message: /; bench\.config\.mjs is not read: name it bench\.config\.ts \(JavaScript is valid TypeScript\)$/,
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

invalid('a file that does not compile names the file, line and column, and the reason', async () => {
  await isFxError(() => load(`${F}/syntax-error.ts`), {
    exitCode: ExitCode.badInput,
    file: `${F}/syntax-error.ts:4:0`,
    message: /^cannot load scenario file: Expected "\]" but found "\}"$/,
  });
});

invalid.run();
