/**
 * fxbench's framing of the Runtime API, between the runtime and its own Node.js
 * bootstrap (the `node` kind) over a Linux abstract Unix socket. Every other
 * runtime (a custom `bootstrap`, aws-lambda-ric, PHP) and fxbench's bootstrap
 * with FXBENCH_RUNTIME_API_TRANSPORT=tcp speak the Runtime API's HTTP/1.1.
 *
 * Why: the HTTP exchange costs both processes CPU on every invocation (a /next
 * answer with ~7 header lines, a POST with 4, a 202), the same calls as frames
 * of a length and a few fields. Measured in bench:runtime (2026-12-01, Node 20):
 * the least server speaking the HTTP Runtime API to 10 fxbench bootstraps costs
 * 1.20–1.36× the CPU per invocation of a forwarder sending length-prefixed frames
 * to 10 workers. The semantics are the Runtime API's: one invocation at a time per
 * connection (AWS_LAMBDA_MAX_CONCURRENCY loops open one connection each), ready on
 * the first poll, an answer is also the next poll (as the bootstrap's pipelined
 * `GET /next` was), init errors before the first poll.
 *
 * Runtime → bootstrap, an event:
 *   u32 LE n | u32 LE h | h bytes of UTF-8 head | n − 4 − h bytes of payload
 *   head = requestId \n deadlineMs \n invokedFunctionArn \n traceId \n clientContext
 *   (client context last: the rest of the head, may be empty = none)
 * Bootstrap → runtime:
 *   u32 LE n | u8 kind | u32 LE maxRssKB | u16 LE t | t bytes of error type | body
 *   kind: 0 next (the first poll; nothing after the kind), 1 response, 2 error,
 *   3 init error. maxRssKB is the bootstrap's ru_maxrss (0: not known).
 * bootstrap-core.cjs holds the bootstrap's side (a snapshot entry: it cannot
 * import this file); test/runtime/runtime-frames.test.ts checks that both agree.
 */

/** Kinds of the bootstrap's frames. */
export const FRAME_NEXT = 0;
export const FRAME_RESPONSE = 1;
export const FRAME_ERROR = 2;
export const FRAME_INIT_ERROR = 3;

/** The largest frame either side accepts, as the HTTP Runtime API's body limit (mini-http-parse.ts). */
export const MAX_FRAME_BYTES = 64 * 1024 * 1024;

/** One frame from the bootstrap. */
export interface BootstrapFrame {
  kind: number;
  /** The bootstrap's RSS high-water mark, KB; 0 when it did not say. */
  maxRssKB: number;
  /** `Lambda-Runtime-Function-Error-Type` of an error or init error ('' when none). */
  errorType: string;
  body: Buffer;
}

/** An event frame for the bootstrap: head fields then the payload, in one buffer (one write). */
export function eventFrame(
  requestId: string,
  deadlineMs: number,
  arn: string,
  traceId: string,
  clientContext: string | undefined,
  payload: Buffer,
): Buffer {
  const head = `${requestId}\n${deadlineMs}\n${arn}\n${traceId}\n${clientContext ?? ''}`;
  const h = Buffer.byteLength(head);
  const frame = Buffer.allocUnsafe(8 + h + payload.length);
  frame.writeUInt32LE(4 + h + payload.length, 0);
  frame.writeUInt32LE(h, 4);
  frame.write(head, 8, 'utf8');
  payload.copy(frame, 8 + h);
  return frame;
}

/**
 * Reads the bootstrap's frames from a byte stream: `push` each chunk, get the
 * whole frames in it (a frame may span chunks). Throws on a frame that cannot be
 * one of fxbench's bootstrap (over MAX_FRAME_BYTES, an unknown kind): the caller
 * then ends the instance, as it would for garbage on the HTTP Runtime API.
 */
export class FrameReader {
  /**
   * Chunks of an incomplete frame and their bytes: joined once, when `need` bytes
   * are in (the frame's length once its first 4 bytes came, else 4), so a large
   * answer is copied once, not once per chunk (bootstrap-core.cjs reads events the same way).
   */
  private parts: Buffer[] = [];
  private have = 0;
  private need = 4;

  push(chunk: Buffer): BootstrapFrame[] {
    this.have += chunk.length;
    if (this.have < this.need) {
      this.parts.push(chunk);
      return [];
    }
    let buf = this.parts.length ? Buffer.concat([...this.parts, chunk], this.have) : chunk;
    this.parts = [];
    this.have = 0;
    this.need = 4;
    const out: BootstrapFrame[] = [];
    while (buf.length >= 4) {
      const n = buf.readUInt32LE(0);
      if (n > MAX_FRAME_BYTES) throw new Error(`runtime API frame of ${n} bytes (at most ${MAX_FRAME_BYTES})`);
      if (buf.length < 4 + n) {
        this.need = 4 + n;
        break;
      }
      const kind = buf[4]!;
      if (kind === FRAME_NEXT) out.push({ kind, maxRssKB: 0, errorType: '', body: EMPTY });
      else if (kind <= FRAME_INIT_ERROR && n >= 7) {
        const t = buf.readUInt16LE(9);
        if (11 + t > 4 + n) throw new Error('runtime API frame: error type past its end');
        out.push({
          kind,
          maxRssKB: buf.readUInt32LE(5),
          errorType: t ? buf.toString('utf8', 11, 11 + t) : '',
          body: buf.subarray(11 + t, 4 + n),
        });
      } else throw new Error(`runtime API frame of unknown kind ${kind}`);
      buf = buf.subarray(4 + n);
    }
    if (buf.length) {
      this.parts.push(buf);
      this.have = buf.length;
    }
    return out;
  }
}

const EMPTY = Buffer.alloc(0);
