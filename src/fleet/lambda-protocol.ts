/**
 * What the fleet client and a Lambda worker say to each other through the Invoke
 * API (issue 14): the event (the bundled scenario and config, the share, the
 * instant to start) and the answer (the share's partial result, gzipped when
 * large). Both sides stay under Lambda's 6 MB synchronous payload limit
 * (https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html, read 2026-11).
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import type { Result } from '../model/result.ts';

/** The global the worker binds `import … from 'fxbench'` of a bundled scenario to (Symbol.for). */
export const FLEET_API_KEY = 'fxbench.fleet.api';

/** Lambda's synchronous request and response payload limit, bytes (6 MB). */
export const MAX_INVOKE_BYTES = 6 * 1024 * 1024;

/** Answers larger than this are gzipped (base64 inside the JSON answer). */
export const COMPRESS_ABOVE_BYTES = 256 * 1024;

/** Lambda's longest invocation: 15 minutes. */
export const LAMBDA_MAX_TIMEOUT_MS = 15 * 60 * 1000;

/** A bundled user module: the name the user knows it by, and its code (one ES module). */
export interface BundledModule {
  file: string;
  code: string;
}

/** Client → worker: run this share, starting at this instant. */
export interface FleetEvent {
  fxbenchFleet: 1;
  scenario: BundledModule;
  config?: BundledModule;
  /** Only these targets (`run -t`). */
  targets?: string[];
  /** The share: index from 0 of `count` (the `--shard i/N` split). */
  shard: { index: number; count: number };
  /** The wall-clock instant (ms since the Unix epoch) the first phase starts at. */
  startAtMs: number;
}

/** Worker → client: the share's result, or gzip of its JSON in base64. */
export interface FleetAnswer {
  fxbenchFleet: 1;
  /** When the first phase actually began (ms since the Unix epoch, fractional), if a target got that far. */
  actualStartMs?: number;
  /** When it was ready (fxbench loaded, scenario checked, first driver prepared), ms since the Unix epoch. */
  readyAtMs?: number;
  result?: Result;
  gzip?: string;
}

/** Whether a parsed event is a fleet event. */
export function isFleetEvent(v: unknown): v is FleetEvent {
  const e = v as FleetEvent | undefined;
  return (
    e?.fxbenchFleet === 1 &&
    typeof e.scenario?.code === 'string' &&
    Number.isInteger(e.shard?.index) &&
    Number.isInteger(e.shard?.count) &&
    typeof e.startAtMs === 'number'
  );
}

/**
 * Packs a result into an answer: plain when small, gzipped above
 * COMPRESS_ABOVE_BYTES. `bytes` is the size of the answer as JSON (what Lambda
 * sends back).
 */
export function packAnswer(
  result: Result,
  actualStartMs: number | undefined,
  readyAtMs?: number,
): { answer: FleetAnswer; bytes: number } {
  const plain: FleetAnswer = { fxbenchFleet: 1, actualStartMs, readyAtMs, result };
  const plainBytes = Buffer.byteLength(JSON.stringify(plain));
  if (plainBytes <= COMPRESS_ABOVE_BYTES) return { answer: plain, bytes: plainBytes };
  const answer: FleetAnswer = {
    fxbenchFleet: 1,
    actualStartMs,
    readyAtMs,
    gzip: gzipSync(JSON.stringify(result)).toString('base64'),
  };
  return { answer, bytes: Buffer.byteLength(JSON.stringify(answer)) };
}

/** Reads an answer's result (gunzipping it when packed so); undefined when the body is not an answer. */
export function unpackAnswer(body: string): { result: Result; actualStartMs?: number; readyAtMs?: number } | undefined {
  let a: FleetAnswer;
  try {
    a = JSON.parse(body) as FleetAnswer;
  } catch {
    return undefined;
  }
  if (a?.fxbenchFleet !== 1) return undefined;
  const result = a.gzip ? (JSON.parse(gunzipSync(Buffer.from(a.gzip, 'base64')).toString('utf8')) as Result) : a.result;
  return result ? { result, actualStartMs: a.actualStartMs, readyAtMs: a.readyAtMs } : undefined;
}
