// Live progress: the status line's content, plain lines every few seconds when
// not on a TTY (one per phase window, not one per tick), in-place redraws on a
// TTY, and nothing at all with --quiet. Fake streams and a fake clock.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createProgress, formatTick, PLAIN_EVERY_MS } from '../../src/cli/progress.ts';
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
  late: 7,
  dropped: 0,
  rps: 501.4,
  p50Ms: 1.234,
  p99Ms: 45.6,
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

test('the status line shows phase, elapsed/planned, rps, p50/p99, requests, cold starts, errors and late sends', () => {
  assert.is(
    formatTick(tick()),
    '  local-hello steady  3.2/10.0 s  501 req/s  p50 1.234 ms  p99 45.60 ms  req 1604  cold 3  err 4  late 7',
  );
  assert.match(
    formatTick(tick({ dropped: 12, plannedMs: null, p50Ms: null, p99Ms: null })),
    /3\.2 s .* p50 - ms {2}p99 - ms .* late 7 {2}dropped 12$/,
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

test('on a TTY: ticks redraw in place (escape codes), lines go above the status line', () => {
  const { writes, stream } = fakeStream(true);
  const p = createProgress({ stream, tty: true });
  p.tick(tick({ requests: 1 }));
  p.tick(tick({ requests: 2 }));
  p.line('  step 2/5');
  p.done();
  const text = writes.join('');
  assert.match(text, /req 1 /);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ESC starts the terminal codes checked for
  assert.match(text, /\x1b\[/, 'erases the previous status line instead of scrolling');
  assert.ok(text.indexOf('req 2 ') < text.indexOf('  step 2/5\n'), 'the last status stays above the new line');
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
