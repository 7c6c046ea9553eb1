// fxbench project config: the functions the local runtime serves, and the
// targets your scenarios name. Add your own: a cloud function is one target
// ({ provider: 'lambda' | 'gcf' | 'openfaas' | 'http', … }); see the fxbench README,
// "bench.config.ts" and "Targets".
import { defineConfig } from 'fxbench';

export default defineConfig({
  functions: {
    // A Node handler (functions/hello/index.mjs) run by fxbench's local runtime:
    // every instance is a real process, started on demand (a real cold start).
    hello: { kind: 'node', code: 'functions/hello', handler: 'index.handler', memoryMB: 128, timeout: '3s' },
  },
  targets: {
    'local-hello': { provider: 'local', function: 'hello' },
  },
  defaults: { out: 'reports' },
});
