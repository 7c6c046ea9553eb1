// `fxbench init`: scaffolds a working start in an empty folder, and the commands
// it prints run green there (real processes: the run starts the local runtime
// and the scaffolded function); it never overwrites (exit 2, nothing written).
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { INIT_FILES, NEXT_STEPS } from '../../src/cli/init.ts';
import { runCli, scratch } from '../helpers/cli.ts';

const tmp = scratch('fxbench-init-');
const test = suite('fxbench init');
test.after(() => tmp.cleanup());

test('into an empty folder: the files, then the three printed commands run green there', async () => {
  const dir = path.join(tmp.dir, 'empty');
  mkdirSync(dir);
  const init = await runCli(['init'], { cwd: dir });
  assert.is(init.code, 0, init.stderr);
  for (const f of INIT_FILES.filter((f) => !f.ci)) {
    assert.ok(existsSync(path.join(dir, f.to)), f.to);
    assert.ok(init.stdout.includes(`  ${f.to}\n`), f.to);
  }
  assert.not.ok(existsSync(path.join(dir, '.github')), 'no workflow without --ci');
  assert.match(init.stdout, /fxbench is not in package.json here/);
  // The three commands, as printed, each on its own line after "Next:".
  const printed = init.stdout
    .slice(init.stdout.indexOf('Next:'))
    .split('\n')
    .slice(1)
    .filter((l) => l.trim())
    .map((l) => l.trim().split('   #')[0]!.trim());
  // fxbench is not installed in that folder: the commands call the fxbench that ran init.
  assert.equal(
    printed,
    NEXT_STEPS.map(([args]) => `fxbench ${args}`),
  );
  for (const command of printed) {
    const args = command.split(' ');
    const r = await runCli(args.slice(1), { cwd: dir, timeoutMs: 120_000 });
    assert.is(r.code, 0, `${command}: exit ${r.code}\n${r.stderr}`);
    if (args[1] === 'run') assert.match(r.stderr, /config bench\.config\.ts/);
  }
  const runs = readdirSync(path.join(dir, 'reports')).filter((d) => /-(burst|steady)$/.test(d));
  assert.is(runs.length, 2, runs.join(', '));
  for (const run of runs) {
    const result = JSON.parse(readFileSync(path.join(dir, 'reports', run, 'results.json'), 'utf8'));
    const requests = result.targets[0].phases.reduce((a: number, p: { requests: number }) => a + p.requests, 0);
    const ok = result.targets[0].phases.reduce((a: number, p: { ok: number }) => a + p.ok, 0);
    assert.ok(requests > 0 && ok === requests, `${run}: ${ok} of ${requests} ok`);
    assert.ok(
      readFileSync(path.join(dir, 'reports', run, 'index.html'), 'utf8')
        .trimEnd()
        .endsWith('</html>'),
    );
  }
});

test('--ci github adds the nightly workflow that runs fxbench run --baseline', async () => {
  const dir = path.join(tmp.dir, 'ci');
  const r = await runCli(['init', dir, '--ci', 'github']);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`Next, in ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:`));
  const workflow = readFileSync(path.join(dir, '.github/workflows/fxbench.yml'), 'utf8');
  assert.match(workflow, /schedule:/);
  assert.match(workflow, /npx fxbench "\$\{args\[@\]\}"/);
  assert.match(workflow, /args\+=\(--baseline baseline\/results\.json\)/);
  assert.match(workflow, /run scenarios\/steady\.ts/);
});

test('a folder with a bench.config.ts: exit 2 naming it, nothing written', async () => {
  const dir = path.join(tmp.dir, 'existing');
  mkdirSync(dir);
  writeFileSync(path.join(dir, 'bench.config.ts'), '// mine\n');
  const r = await runCli(['init', '--ci', 'github'], { cwd: dir });
  assert.is(r.code, 2);
  assert.match(
    r.stderr,
    /bench\.config\.ts: already exists; fxbench init never overwrites a file \(nothing was written\)/,
  );
  assert.equal(readdirSync(dir), ['bench.config.ts']);
  assert.is(readFileSync(path.join(dir, 'bench.config.ts'), 'utf8'), '// mine\n');
});

test('every existing file is named', async () => {
  const dir = path.join(tmp.dir, 'two');
  mkdirSync(path.join(dir, 'scenarios'), { recursive: true });
  writeFileSync(path.join(dir, 'scenarios/burst.ts'), '');
  writeFileSync(path.join(dir, 'scenarios/steady.ts'), '');
  const r = await runCli(['init', 'two'], { cwd: tmp.dir });
  assert.is(r.code, 2);
  assert.match(r.stderr, /two\/scenarios\/burst\.ts: already exists/);
  assert.match(r.stderr, /two\/scenarios\/steady\.ts: already exists/);
  assert.not.ok(existsSync(path.join(dir, 'bench.config.ts')));
});

test('a file where the folder should be: exit 2', async () => {
  writeFileSync(path.join(tmp.dir, 'afile'), '');
  const r = await runCli(['init', 'afile'], { cwd: tmp.dir });
  assert.is(r.code, 2);
  assert.match(r.stderr, /afile: not a folder/);
});

test.run();
