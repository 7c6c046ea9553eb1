/**
 * Helpers for local-runtime tests: checked function specs from literal configs,
 * a runtime that every test stops in `after`, and Lambda-path invocations
 * decoded into the figures tests assert on.
 */
import * as assert from 'uvu/assert';
import type { CheckContext } from '../../src/config/check.ts';
import { checkFunction } from '../../src/runtime/function-spec.ts';
import { LocalRuntime } from '../../src/runtime/runtime.ts';
import { ROOT } from './cli.ts';
import type { FunctionConfig, FunctionSpec } from '../../src/model/function.ts';
import type { InvokeOptions } from '../../src/runtime/platform.ts';

/** A checked spec for `config` (paths relative to the repository root); fails the test on any issue. */
export function spec(name: string, config: FunctionConfig): FunctionSpec {
  const ctx: CheckContext = { file: 'test', issues: [] };
  const s = checkFunction(name, config, `functions.${name}`, ROOT, ctx);
  assert.equal(ctx.issues, [], `config of ${name} is valid`);
  return s!;
}

/** One invocation's figures, from the Lambda path's headers. */
export interface Invoked {
  status: number;
  errorClass: string | null;
  functionError: boolean;
  cold: boolean;
  initMs?: number;
  durationMs: number;
  billedMs: number;
  maxMemoryMB: number;
  instanceId: string;
  body: string;
  json: Record<string, unknown>;
  headers: Record<string, string>;
}

/** Invokes `name` through `rt.invoke` (the Lambda framing) and decodes the result. */
export async function call(
  rt: LocalRuntime,
  name: string,
  event: unknown = {},
  opts: InvokeOptions = {},
): Promise<Invoked> {
  const r = await rt.invoke(name, Buffer.from(JSON.stringify(event)), opts);
  const h = r.headers;
  const body = r.body.toString();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(body) as Record<string, unknown>;
  } catch {
    /* not JSON */
  }
  return {
    status: r.status,
    errorClass: h['x-fxbench-error-class'] ?? null,
    functionError: h['x-amz-function-error'] === 'Unhandled',
    cold: h['x-fxbench-cold'] === '1',
    initMs: h['x-fxbench-init-ms'] === undefined ? undefined : Number(h['x-fxbench-init-ms']),
    durationMs: Number(h['x-fxbench-duration-ms'] ?? NaN),
    billedMs: Number(h['x-fxbench-billed-ms'] ?? NaN),
    maxMemoryMB: Number(h['x-fxbench-max-memory-mb'] ?? NaN),
    instanceId: h['x-fxbench-instance-id'] ?? '',
    body,
    json,
    headers: h,
  };
}

/** Starts a runtime serving `specs`; remember to `stop()` it in `after`. */
export async function startRuntime(specs: FunctionSpec[]): Promise<LocalRuntime> {
  const rt = new LocalRuntime(specs);
  await rt.start();
  return rt;
}
