// fxbench's bootstrap keeps process.env._X_AMZN_TRACE_ID in JavaScript (bootstrap-core.cjs,
// traceEnv): a Proxy of the real environment. Each check runs in a node process of its own,
// since traceEnv replaces that process's process.env. The kinds tests check the same
// through a real instance (the handler, a child process, the real environment).
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';

const NODE_MAJOR = Number(process.versions.node.split('.')[0]);
const CORE = fileURLToPath(new URL('../../src/runtime/bootstrap-core.cjs', import.meta.url));

/** Runs `body` (CommonJS, `traceEnv`, `report` and `global.gc` in scope) in a new node process; its last line of output, parsed. */
function inNode(body: string, env: Record<string, string> = {}): Record<string, unknown> {
  const script = `const { traceEnv } = require(${JSON.stringify(CORE)});
const report = (v) => console.log(JSON.stringify(v));
${body}`;
  const out = execFileSync(process.execPath, ['--expose-gc', '-e', script], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return JSON.parse(out.trim().split('\n').pop()!) as Record<string, unknown>;
}

const test = suite('the trace id variable of fxbench bootstrap');

test('read, listed, spread, given to child processes and deleted as any variable; the others untouched', () => {
  const r = inNode(
    `const { execFileSync } = require('node:child_process');
const child = (o) => execFileSync('sh', ['-c', 'printf %s "\${_X_AMZN_TRACE_ID-unset}"'], o).toString();
const set = traceEnv();
const inherited = process.env._X_AMZN_TRACE_ID;
set('Root=1-a');
const seen = {
  inherited,
  read: process.env._X_AMZN_TRACE_ID,
  has: '_X_AMZN_TRACE_ID' in process.env,
  listed: Object.keys(process.env).includes('_X_AMZN_TRACE_ID'),
  spread: { ...process.env }._X_AMZN_TRACE_ID,
  json: JSON.parse(JSON.stringify(process.env))._X_AMZN_TRACE_ID,
  own: Object.prototype.hasOwnProperty.call(process.env, '_X_AMZN_TRACE_ID'),
  child: child(),
  childPassed: child({ env: process.env }),
  native: process.report.getReport().environmentVariables._X_AMZN_TRACE_ID ?? null,
};
set(undefined);
Object.assign(seen, { unsetRead: process.env._X_AMZN_TRACE_ID ?? null, unsetHas: '_X_AMZN_TRACE_ID' in process.env, unsetChild: child() });
process.env._X_AMZN_TRACE_ID = 42;
seen.assigned = typeof process.env._X_AMZN_TRACE_ID + ':' + process.env._X_AMZN_TRACE_ID;
delete process.env._X_AMZN_TRACE_ID;
seen.deleted = process.env._X_AMZN_TRACE_ID ?? null;
try { Object.defineProperty(process.env, '_X_AMZN_TRACE_ID', { get() { return 'x'; } }); } catch (e) { seen.accessor = e.message; }
process.env.OTHER = 7;
seen.other = typeof process.env.OTHER + ':' + process.env.OTHER + ':' + process.report.getReport().environmentVariables.OTHER;
delete process.env.OTHER;
seen.otherDeleted = process.env.OTHER ?? null;
seen.kept = process.env.KEPT;
report(seen);`,
    { _X_AMZN_TRACE_ID: 'from-parent', KEPT: 'yes' },
  );
  assert.equal(r, {
    inherited: 'from-parent',
    read: 'Root=1-a',
    has: true,
    listed: true,
    spread: 'Root=1-a',
    json: 'Root=1-a',
    own: true,
    // Node 26 passes its real environment to a child started with no `env` as it is (README).
    child: NODE_MAJOR < 26 ? 'Root=1-a' : 'unset',
    childPassed: 'Root=1-a',
    native: null,
    unsetRead: null,
    unsetHas: false,
    unsetChild: 'unset',
    assigned: 'string:42',
    deleted: null,
    accessor: "'process.env' does not accept an accessor(getter/setter) descriptor",
    other: 'string:7:7',
    otherDeleted: null,
    kept: 'yes',
  });
});

// The fault this replaced: the bootstrap set the variable with setenv, and glibc keeps every value
// setenv was ever given. Measured 2026-12-01 (Node 20): 19.7 MB of RSS for 100,000 trace ids, 143 MB
// for a million. The control below shows it still holds for the real environment here.
test('200,000 trace ids keep no memory (setenv on the real environment keeps them all)', () => {
  const r = inNode(
    `const id = (i) => 'Root=1-6751a2b3-abcdef0123456789' + i.toString(16).padStart(8, '0') + ';Parent=' + i.toString(16).padStart(16, '0') + ';Sampled=0';
const real = process.env;
const rss = () => process.memoryUsage().rss;
const set = traceEnv();
// A first round grows V8's heap to what the loop needs; the second is measured.
for (let i = 0; i < 200000; i++) set(id(i));
global.gc();
let r0 = rss();
for (let i = 200000; i < 400000; i++) set(id(i));
global.gc();
const proxied = rss() - r0;
r0 = rss();
for (let i = 400000; i < 600000; i++) real.FXBENCH_TEST_TRACE = id(i);
global.gc();
report({ proxied: proxied / 2 ** 20, setenv: (rss() - r0) / 2 ** 20 });`,
  );
  assert.ok((r.setenv as number) > 20, `the control: setenv kept ${(r.setenv as number).toFixed(1)} MB`);
  assert.ok((r.proxied as number) < 4, `traceEnv kept ${(r.proxied as number).toFixed(1)} MB`);
});

test.run();
