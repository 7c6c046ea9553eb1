// fxbench's framing of the Runtime API (src/runtime/runtime-frames.ts) between the
// runtime and its own bootstrap (bootstrap-core.cjs, FrameLink): the two sides are
// written apart (the bootstrap is a snapshot entry and cannot import the runtime's
// code), so here they talk over a real abstract Unix socket and must agree on every
// field: ids, deadline, ARN, trace id, client context (absent, empty, with a line
// break and non-ASCII text), payload bytes, answers, errors, init errors. The
// reader must also take frames cut anywhere and refuse what cannot be a frame.
import { createRequire } from 'node:module';
import net from 'node:net';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  eventFrame,
  FRAME_ERROR,
  FRAME_INIT_ERROR,
  FRAME_NEXT,
  FRAME_RESPONSE,
  FrameReader,
  MAX_FRAME_BYTES,
  type BootstrapFrame,
} from '../../src/runtime/runtime-frames.ts';
import { concatBytes } from '../helpers/concat-bytes.ts';

const require = createRequire(import.meta.url);
const { FrameLink } = require('../../src/runtime/bootstrap-core.cjs') as {
  FrameLink: new (
    path: string,
  ) => {
    sock: net.Socket;
    poll(onEvent: (e: BootstrapEvent) => void): void;
    answer(e: BootstrapEvent, type: string | undefined, body: string): void;
    initError(type: string, body: string): Promise<void>;
  };
};

interface BootstrapEvent {
  requestId: string;
  deadline: number;
  arn: string;
  traceId: string;
  clientContext: string | undefined;
  body: Buffer;
}

/** Resolves once `done()` holds (checked every 2 ms). */
const until = (done: () => boolean) =>
  new Promise<void>((resolve) => {
    const t = setInterval(() => {
      if (!done()) return;
      clearInterval(t);
      resolve();
    }, 2);
  });

const test = suite('runtime frames: the runtime and its bootstrap agree');

/** A server on an abstract socket and one bootstrap FrameLink connected to it. */
async function pair() {
  const name = `fxbench-frames-test-${process.pid}-${Math.random().toString(36).slice(2)}`;
  const frames: BootstrapFrame[] = [];
  const reader = new FrameReader();
  let waiters: (() => void)[] = [];
  let server!: net.Socket;
  const srv = net.createServer((s) => {
    server = s;
    s.on('data', (c) => {
      frames.push(...reader.push(c));
      for (const w of waiters.splice(0)) w();
    });
  });
  await new Promise<void>((r) => srv.listen(`\0${name}`, r));
  const link = new FrameLink(`\0${name}`);
  const frame = async (n: number): Promise<BootstrapFrame> => {
    while (frames.length < n) await new Promise<void>((r) => waiters.push(r));
    return frames[n - 1]!;
  };
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    // The bootstrap exits when its runtime goes away: not this test process.
    link.sock.removeAllListeners('close');
    link.sock.removeAllListeners('error');
    link.sock.destroy();
    srv.close();
    waiters = [];
  };
  opened.push(close);
  return { link, frame, send: (b: Buffer) => server.write(b), close };
}

/** Every pair's close: run after each test, passed or failed (a socket left open would keep the process alive). */
const opened: (() => void)[] = [];
test.after.each(() => {
  for (const close of opened.splice(0)) close();
});

test('events: every field arrives as sent; answers and errors come back with the RSS high-water mark', async () => {
  const p = await pair();
  const events: BootstrapEvent[] = [];
  p.link.poll((e) => events.push(e));
  const first = await p.frame(1);
  assert.is(first.kind, FRAME_NEXT, 'the first poll');
  const arn = 'arn:aws:lambda:local:000000000000:function:hello';
  const payload = Buffer.from('{"name":"wörld","n":[1,2,3]}');
  const cases: [string, string | undefined][] = [
    ['a1', undefined],
    ['a2', '{"custom":{"k":"v"}}'],
    ['a3', '{"multi":"line\nbreak","ü":"ñ"}'],
  ];
  for (const [id, cc] of cases) p.send(eventFrame(id, 1764590000123, arn, `Root=1-${id}`, cc, payload));
  await until(() => events.length === 3);
  for (const [i, [id, cc]] of cases.entries()) {
    const e = events[i]!;
    assert.is(e.requestId, id);
    assert.is(e.deadline, 1764590000123);
    assert.is(e.arn, arn);
    assert.is(e.traceId, `Root=1-${id}`);
    assert.is(e.clientContext, cc);
    assert.equal([...e.body], [...payload]);
  }
  p.link.answer(events[0]!, undefined, '{"ok":"ä"}');
  const ok = await p.frame(2);
  assert.is(ok.kind, FRAME_RESPONSE);
  assert.is(ok.errorType, '');
  assert.is(ok.body.toString(), '{"ok":"ä"}');
  assert.ok(ok.maxRssKB > 10_000, `ru_maxrss ${ok.maxRssKB} KB`);
  p.link.answer(events[1]!, 'Function.TypeError', '{"errorType":"TypeError"}');
  const err = await p.frame(3);
  assert.is(err.kind, FRAME_ERROR);
  assert.is(err.errorType, 'Function.TypeError');
  assert.is(err.body.toString(), '{"errorType":"TypeError"}');
  await p.link.initError('Runtime.ImportModuleError', '{"errorMessage":"no"}');
  const init = await p.frame(4);
  assert.is(init.kind, FRAME_INIT_ERROR);
  assert.is(init.errorType, 'Runtime.ImportModuleError');
  assert.is(init.body.toString(), '{"errorMessage":"no"}');
  p.close();
});

test('an empty client context is none, as an absent header; an empty payload arrives empty', async () => {
  const p = await pair();
  const events: BootstrapEvent[] = [];
  p.link.poll((e) => events.push(e));
  await p.frame(1);
  p.send(eventFrame('b1', 1, 'arn', 'Root=1', '', Buffer.alloc(0)));
  await until(() => events.length === 1);
  assert.is(events[0]!.clientContext, undefined);
  assert.is(events[0]!.body.length, 0);
  p.close();
});

test('events held past their read keep their payload (the link reads into one reused buffer)', async () => {
  const p = await pair();
  const events: BootstrapEvent[] = [];
  p.link.poll((e) => events.push(e));
  await p.frame(1);
  // One event per read: each waits until the one before has arrived.
  for (let i = 0; i < 5; i++) {
    p.send(
      eventFrame(
        `e${i}`,
        i,
        'arn',
        'Root=1',
        undefined,
        Buffer.from(`{"i":${i},"pad":"${String(i).repeat(100 * i)}"}`),
      ),
    );
    await until(() => events.length === i + 1);
  }
  assert.equal(
    events.map((e) => e.body.toString()),
    [0, 1, 2, 3, 4].map((i) => `{"i":${i},"pad":"${String(i).repeat(100 * i)}"}`),
  );
  p.close();
});

test('the reader takes frames cut at any byte, and several in one chunk', () => {
  const answer = (kind: number, type: string, body: string) => {
    const t = Buffer.from(type);
    const b = Buffer.from(body);
    const f = Buffer.alloc(11 + t.length + b.length);
    f.writeUInt32LE(7 + t.length + b.length, 0);
    f[4] = kind;
    f.writeUInt32LE(51_200, 5);
    f.writeUInt16LE(t.length, 9);
    t.copy(f, 11);
    b.copy(f, 11 + t.length);
    return f;
  };
  const next = Buffer.from([1, 0, 0, 0, FRAME_NEXT]);
  const all = Buffer.concat([next, answer(FRAME_RESPONSE, '', '{"a":1}'), answer(FRAME_ERROR, 'Function.X', 'boom')]);
  const whole = new FrameReader().push(all);
  const expect = [
    [FRAME_NEXT, 0, '', ''],
    [FRAME_RESPONSE, 51_200, '', '{"a":1}'],
    [FRAME_ERROR, 51_200, 'Function.X', 'boom'],
  ];
  assert.equal(
    whole.map((f) => [f.kind, f.maxRssKB, f.errorType, f.body.toString()]),
    expect,
  );
  for (let cut = 1; cut < all.length; cut++) {
    const r = new FrameReader();
    const got = [...r.push(all.subarray(0, cut)), ...r.push(all.subarray(cut))];
    assert.equal(
      got.map((f) => [f.kind, f.maxRssKB, f.errorType, f.body.toString()]),
      expect,
      `cut at byte ${cut}`,
    );
  }
  const bytewise = new FrameReader();
  const got: BootstrapFrame[] = [];
  for (const b of all) got.push(...bytewise.push(Buffer.from([b])));
  assert.is(got.length, 3);
});

// Before 2026-12-01 both sides joined each chunk to all before it: a 6 MB frame in
// 64 KB reads was copied ~96 times over (300 MB), ~100 ms per 6 MB invocation.
test('a 6 MB frame in 64 KB chunks is joined once, on both sides; a frame behind it in the last chunk comes too', async () => {
  const size = 6 * 1024 * 1024;
  const payload = Buffer.alloc(size);
  for (let i = 0; i < size; i++) payload[i] = (i * 31) & 0xff;
  // The runtime's reader, an answer of 6 MB then a next poll in the same last chunk.
  const answer = Buffer.alloc(11 + size);
  answer.writeUInt32LE(7 + size, 0);
  answer[4] = FRAME_RESPONSE;
  answer.writeUInt32LE(1234, 5);
  answer.writeUInt16LE(0, 9);
  payload.copy(answer, 11);
  const all = Buffer.concat([answer, Buffer.from([1, 0, 0, 0, FRAME_NEXT])]);
  const r = new FrameReader();
  const got: BootstrapFrame[] = [];
  const copied = await concatBytes(() => {
    for (let at = 0; at < all.length; at += 65536) got.push(...r.push(all.subarray(at, at + 65536)));
  });
  assert.equal(
    got.map((f) => [f.kind, f.maxRssKB, f.body.length]),
    [
      [FRAME_RESPONSE, 1234, size],
      [FRAME_NEXT, 0, 0],
    ],
  );
  assert.ok(got[0]!.body.equals(payload), 'the answer body, byte for byte');
  assert.ok(copied <= 2 * size, `reader: Buffer.concat produced ${copied} bytes for a ${size}-byte frame`);
  // The bootstrap's link, a 6 MB event over the real socket (the kernel cuts it in chunks).
  const p = await pair();
  const events: BootstrapEvent[] = [];
  p.link.poll((e) => events.push(e));
  await p.frame(1);
  const linkCopied = await concatBytes(async () => {
    p.send(
      Buffer.concat([
        eventFrame('big', 1, 'arn', 'Root=1', undefined, payload),
        eventFrame('small', 2, 'arn', 'Root=2', undefined, Buffer.from('{}')),
      ]),
    );
    const deadline = Date.now() + 20_000;
    await until(() => events.length === 2 || Date.now() > deadline);
  });
  assert.is(events.length, 2, 'both events within 20 s');
  assert.is(events[0]!.requestId, 'big');
  assert.ok(events[0]!.body.equals(payload), 'the event payload, byte for byte');
  assert.is(events[1]!.body.toString(), '{}');
  // The event frames themselves are built with one concat here (2 × 6 MB); the link adds at most one join.
  assert.ok(linkCopied <= 4 * size, `link: Buffer.concat produced ${linkCopied} bytes for a ${size}-byte event`);
  p.close();
});

test('the reader refuses what cannot be a frame of the bootstrap: an unknown kind, a size over the limit, a type past the end', () => {
  const refuse = (bytes: Buffer, message: RegExp) => {
    try {
      new FrameReader().push(bytes);
      assert.unreachable('expected a refusal');
    } catch (e) {
      assert.match((e as Error).message, message);
    }
  };
  refuse(Buffer.from([1, 0, 0, 0, 9]), /unknown kind 9/);
  const huge = Buffer.alloc(5);
  huge.writeUInt32LE(MAX_FRAME_BYTES + 1, 0);
  refuse(huge, /frame of 67108865 bytes \(at most 67108864\)/);
  const past = Buffer.alloc(11);
  past.writeUInt32LE(7, 0);
  past[4] = FRAME_RESPONSE;
  past.writeUInt16LE(50, 9);
  refuse(past, /error type past its end/);
});

test.run();
