// Runtimes side by side on the local runtime: the same hello function in Node
// (fxbench's Lambda bootstrap), Python and PHP as Lambda custom runtimes (a
// `bootstrap` speaking the Runtime API), PHP forked per request (OpenFaaS's
// classic watchdog) and PHP's built-in server behind the proxy (of-watchdog's
// http mode). Round 1 of the burst is cold on every target, round 2 warm (fork:
// cold again: a process per request); the summary's rows are the table, the
// report's cold-start and latency charts the picture. PHP needs php-cli
// (Debian: apt-get install php-cli).
import { burst, defineScenario } from 'fxbench';

const common = { memoryMB: 128, timeout: '5s' } as const;

export default defineScenario({
  name: 'runtimes',
  description: 'Cold start, warm latency and cost: node, python, php (bootstrap), php (fork), php (http)',
  functions: {
    'rt-node': { kind: 'node', code: '../functions/hello', handler: 'index.handler', ...common },
    'rt-python': { kind: 'bootstrap', code: '../functions/python-hello', handler: 'handler.handler', ...common },
    'rt-php': { kind: 'bootstrap', code: '../functions/php-hello', handler: 'handler.hello', ...common },
    'rt-php-fork': { kind: 'fork', code: '../functions/php-fork', command: 'php handler.php', ...common },
    'rt-php-http': { kind: 'http', code: '../functions/php-http', command: './serve', ...common },
  },
  targets: [
    { name: 'node', provider: 'local', function: 'rt-node' },
    { name: 'python', provider: 'local', function: 'rt-python' },
    { name: 'php-bootstrap', provider: 'local', function: 'rt-php' },
    { name: 'php-fork', provider: 'local', function: 'rt-php-fork' },
    { name: 'php-http', provider: 'local', function: 'rt-php-http' },
  ],
  phases: [burst({ concurrency: 5, rounds: 2, gap: '500ms' })],
  payload: { name: 'fxbench' },
});
