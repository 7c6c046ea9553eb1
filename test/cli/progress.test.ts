// Live progress: the live line's content (the current round only, issue 17),
// the phase's totals line when it ends, plain lines every few seconds when not
// on a TTY (one per phase window, not one per tick), in-place redraws on a TTY
// that leave nothing behind, and nothing at all with --quiet. Fake streams and a
// fake clock; progress-tty.test.ts runs the real CLI in a terminal.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createProgress, formatTick, formatTotals, PLAIN_EVERY_MS } from '../../src/cli/progress.ts';
import type { TickEvent } from '../../src/scenarios/engine/live.ts';

const tick = (over: Partial<TickEvent> = {}): TickEvent => ({
  kind: 'tick',
  target: 'local-hello',
  phase: 'steady',
  elapsedMs: 3210,
  plannedMs: 10_000,
  requests: 1604,
  ok: 1600,
  errors: 4,
  coldStarts: 3,
  coldUnknown: 0,
  late: 7,
  dropped: 0,
  rps: 501.4,
  p50Ms: 1.234,
  p99Ms: 45.6,
  round: { index: 2, requests: 604, errors: 1, coldStarts: 0, coldUnknown: 0, late: 2, dropped: 0 },
  ...over,
});

function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  return {
    writes,
    stream: {
      isTTY,
      columns: 200,
      rows: 40,
      write: (s: string) => {
        writes.push(s);
        return true;
      },
      on: () => undefined,
      once: () => undefined,
      off: () => undefined,
      removeListener: () => undefined,
    } as unknown as NodeJS.WriteStream,
  };
}

const test = suite('progress');

test('the live line shows the current round only: its counts and latency, the rate now, the phase clock', () => {
  // Phase so far: 1604 requests, 3 cold; round 2: 604 requests, 0 cold. Only round 2 is shown.
  assert.is(
    formatTick(tick()),
    '  local-hello steady #2: 604 req, 1 err, 0 cold, p50 1.234 ms, p99 45.60 ms, 501 req/s, 2 late, 3.2/10.0 s',
  );
  assert.is(
    formatTick(
      tick({ round: { index: 1, requests: 1604, errors: 4, coldStarts: 3, coldUnknown: 0, rateRps: 50, dropped: 12 } }),
    ),
    '  local-hello steady 50/s: 1604 req, 4 err, 3 cold, p50 1.234 ms, p99 45.60 ms, 501 req/s, 12 dropped, 3.2/10.0 s',
  );
  assert.match(
    formatTick(tick({ round: null, plannedMs: null, p50Ms: null, p99Ms: null })),
    /^ {2}local-hello steady: 0 req, 0 err, 0 cold, p50 - ms, p99 - ms, 501 req\/s, 3\.2 s$/,
  );
  assert.match(
    formatTick(
      tick({ round: { index: 3, requests: 1, errors: 0, coldStarts: 0, coldUnknown: 0, payloadBytes: 65536 } }),
    ),
    /steady #3 64KB: 1 req,/,
  );
});

test('cold starts never shown as 0 when not observed: n/a, or of how many were', () => {
  const r = { index: 1, requests: 10, errors: 0, coldStarts: 0, coldUnknown: 10 };
  assert.match(formatTick(tick({ requests: 10, round: r })), /: 10 req, 0 err, cold n\/a, p50/);
  assert.match(
    formatTick(tick({ requests: 10, round: { ...r, coldStarts: 1, coldUnknown: 4 } })),
    /1 cold of 6 observed/,
  );
  assert.match(formatTotals(tick({ coldUnknown: 1604, totals: { p50Ms: 1, p99Ms: 2 } })), /4 err, cold n\/a, p50/);
});

test('the totals line: the whole phase, every round, on one line', () => {
  assert.is(
    formatTotals(tick({ totals: { p50Ms: 2.5, p99Ms: 700 } })),
    '  local-hello steady done: 1604 req, 4 err, 3 cold, p50 2.500 ms, p99 700.0 ms, 7 late, 3.2 s',
  );
});

test('not on a TTY: one plain line per few seconds, none before the first interval of a phase', () => {
  const { writes, stream } = fakeStream(false);
  let now = 0;
  const p = createProgress({ stream, now: () => now });
  p.line('▶ local-hello');
  for (let t = 0; t <= 12_000; t += 250) {
    now = t;
    p.tick(tick({ elapsedMs: t }));
  }
  p.done();
  const status = writes.filter((w) => w.includes('req/s'));
  assert.is(writes[0], '▶ local-hello\n');
  assert.is(status.length, Math.floor(12_000 / PLAIN_EVERY_MS), `lines at 5 s and 10 s: ${JSON.stringify(status)}`);
  assert.ok(
    status.every((l) => l.endsWith('\n') && !l.includes('\x1b')),
    'plain lines, no escape codes',
  );
});

test('not on a TTY: the totals line as the phase ends, whatever the clock', () => {
  const { writes, stream } = fakeStream(false);
  const p = createProgress({ stream, now: () => 0 });
  p.tick(tick());
  p.tick(tick({ totals: { p50Ms: 1, p99Ms: 2 } }));
  assert.equal(writes, [`${formatTotals(tick({ totals: { p50Ms: 1, p99Ms: 2 } }))}\n`]);
});

test('on a TTY: ticks redraw in place; a line erases the live line, prints, and draws it again below', () => {
  const { writes, stream } = fakeStream(true);
  const p = createProgress({ stream, tty: true });
  p.tick(tick({ round: { index: 2, requests: 1, errors: 0, coldStarts: 0, coldUnknown: 0 } }));
  p.tick(tick({ round: { index: 2, requests: 2, errors: 0, coldStarts: 0, coldUnknown: 0 } }));
  p.line('    round 3/3: 20 at once');
  p.tick(tick({ totals: { p50Ms: 1, p99Ms: 2 } }));
  p.done();
  const text = writes.join('');
  assert.match(text, / 1 req,/);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ESC starts the terminal codes checked for
  assert.match(text, /\x1b\[2K/, 'erases the previous live line instead of scrolling');
  const line = text.indexOf('    round 3/3: 20 at once\n');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ESC starts the terminal codes checked for
  assert.ok(/\x1b\[2K[^\n]*$/.test(text.slice(0, line)), 'the live line is erased before the line is printed');
  assert.ok(text.indexOf(' 2 req,', line) > line, 'and drawn again below it');
  assert.match(text, /steady done: 1604 req/);
  // After the totals line: no live line drawn again (only terminal codes, e.g. showing the cursor).
  assert.not.match(text.slice(text.indexOf('steady done')).split('\n').slice(1).join('\n'), /[a-z]{2}/);
});

test('--quiet writes nothing at all', () => {
  const { writes, stream } = fakeStream(true);
  const p = createProgress({ stream, quiet: true });
  p.line('x');
  p.tick(tick());
  p.done();
  assert.is(writes.length, 0);
});

test.run();
