// Project config: the functions the local runtime serves, and named targets
// scenarios can refer to. See README "Writing a scenario".
import { defineConfig } from 'fxbench';

export default defineConfig({
  functions: {
    hello: { kind: 'node', code: 'functions/hello', handler: 'index.handler', memoryMB: 128, timeout: '3s' },
    echo: { kind: 'node', code: 'functions/echo', handler: 'index.handler', memoryMB: 256 },
    'heavy-init': {
      kind: 'node',
      code: 'functions/heavy-init',
      handler: 'index.handler',
      memoryMB: 256,
      timeout: '5s',
    },
    fail: { kind: 'node', code: 'functions/fail', handler: 'index.handler', memoryMB: 128, timeout: '1s' },
    // hello with a 3 s idle timeout, so scenarios/keepalive.ts sees the curve turn in seconds.
    'hello-short-idle': {
      kind: 'node',
      code: 'functions/hello',
      handler: 'index.handler',
      memoryMB: 128,
      timeout: '3s',
      idleTimeout: '3s',
    },
    // Holds {"allocMB": N} MB of heap per invocation: scenarios/memory.ts.
    alloc: { kind: 'node', code: 'functions/alloc', handler: 'index.handler', memoryMB: 128, timeout: '10s' },
    'python-hello': {
      kind: 'bootstrap',
      code: 'functions/python-hello',
      handler: 'handler.handler',
      memoryMB: 128,
      timeout: '3s',
    },
    'fork-hello': { kind: 'fork', code: 'functions/fork-hello', command: './handler.py', memoryMB: 128, timeout: '3s' },
    'http-hello': {
      kind: 'http',
      code: 'functions/http-hello',
      command: 'node server.mjs',
      memoryMB: 256,
      timeout: '3s',
      concurrency: 10,
      billing: 'cloud-run',
    },
  },
  targets: {
    'local-hello': { provider: 'local', function: 'hello' },
    'local-heavy': { provider: 'local', function: 'heavy-init' },
    'local-echo': { provider: 'local', function: 'echo' },
    'local-hello-short-idle': { provider: 'local', function: 'hello-short-idle' },
    'local-alloc': { provider: 'local', function: 'alloc' },
    'local-hello-arm64': { provider: 'local', function: 'hello', pricing: { arch: 'arm64' } },
    'local-python-hello': { provider: 'local', function: 'python-hello' },
  },
  defaults: { out: 'reports' },
});
