// The headline every report leads with: written to disk with the other reports,
// then read back: each tile of index.html, each line of summary.md and the first
// lines of the terminal summary carry the very numbers of results.json.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { formatUSD, formatMs } from '../../src/units.ts';
import { pct } from '../../src/report/format.ts';
import { headline, headlineVerdict } from '../../src/report/headline.ts';
import { formatSummary } from '../../src/report/text.ts';
import { writeReports } from '../../src/report/write.ts';
import type { Result } from '../../src/model/result.ts';
import { scratch } from '../helpers/cli.ts';
import { FIXTURES_DIR, burstFixture } from '../helpers/results.ts';

const tmp = scratch('fxbench-headline-');
const load = (name: string) => JSON.parse(readFileSync(path.join(FIXTURES_DIR, name), 'utf8')) as Result;

/** Reads `targets[0].summary.coldLatencyMs.p99` out of a parsed results.json. */
function at(obj: unknown, p: string): unknown {
  return p
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], obj);
}

const h = suite('headline');

h.after(() => tmp.cleanup());

h('index.html leads with the verdict and per-target tiles whose numbers are those of results.json', async () => {
  const written = await writeReports(load('results-full.json'), path.join(tmp.dir, 'full'), { stepSummary: '' });
  const json = JSON.parse(readFileSync(written.results, 'utf8')) as Result;
  const html = readFileSync(written.html, 'utf8');
  const head = html.slice(html.indexOf('<section class="headline"'), html.indexOf('<nav>'));
  assert.ok(head.length > 0, 'the headline comes before the navigation');
  assert.match(head, /<strong>FAIL<\/strong> 1 of 2 thresholds crossed/);
  const tiles = [
    ...head.matchAll(
      /<div class="tile" data-figure="(\w+)" data-target-index="(\d+)" data-value="([^"]*)"><span class="label">[^<]*<\/span><span class="value">([^<]*)<\/span>/g,
    ),
  ];
  assert.is(tiles.length, 4 * json.targets.length, 'four tiles per target');
  const paths: Record<string, string> = {
    coldStartRate: 'coldStartRate',
    coldP99: 'coldLatencyMs.p99',
    warmP99: 'warmLatencyMs.p99',
    costPerMillion: 'cost.perMillionUSD',
  };
  const printed: Record<string, (x: number) => string> = {
    coldStartRate: pct,
    coldP99: (x) => `${formatMs(x)} ms`,
    warmP99: (x) => `${formatMs(x)} ms`,
    costPerMillion: formatUSD,
  };
  for (const [, figure, index, value, text] of tiles) {
    const expected = at(json, `targets[${index}].summary.${paths[figure!]}`) as number;
    assert.type(expected, 'number');
    assert.is(Number(value), expected, `${figure} of target ${index}: the value of results.json`);
    assert.is(text, printed[figure!]!(expected), `${figure} of target ${index}: printed once, the same way`);
  }
});

h('summary.md and the terminal summary start with the same headline', async () => {
  const full = load('results-full.json');
  const written = await writeReports(full, path.join(tmp.dir, 'md'), { stepSummary: '' });
  const md = readFileSync(written.markdown, 'utf8').split('\n');
  const json = JSON.parse(readFileSync(written.results, 'utf8')) as Result;
  assert.is(md[2], '**FAIL**: 1 of 2 thresholds crossed');
  const aws = json.targets[1]!.summary!;
  const awsLine = md.find((l) => l.startsWith('- aws-hello: '));
  assert.is(
    awsLine,
    `- aws-hello: cold-start rate ${pct(aws.coldStartRate)} · cold p99 ${formatMs(aws.coldLatencyMs!.p99)} ms · warm p99 ${formatMs(aws.warmLatencyMs!.p99)} ms · cost per 1M ${formatUSD(aws.cost!.perMillionUSD).replace('$', '$')}`,
  );
  const term = formatSummary(json).split('\n');
  assert.is(term[0], 'FAIL: 1 of 2 thresholds crossed');
  assert.ok(term.includes(awsLine!.slice(2)), 'the same line in the terminal');
  // Each phase kind's answer sits under its target.
  const under = md.slice(md.indexOf(awsLine!) + 1, md.indexOf('', md.indexOf(awsLine!)));
  assert.match(under[0]!, /^ {2}- burst: cold starts per round 50\/0 /);
  assert.ok(
    under.some((l) => /^ {2}- memory sweep: cheapest \d+ MB/.test(l)),
    under.join('\n'),
  );
});

h(
  'a busy machine (load above the cores when the run started) is said beside the verdict, everywhere; a quiet one says nothing',
  async () => {
    const quiet = load('results-full.json');
    // The end holds the run's own processes (a burst of local instances): no reason to doubt the run.
    quiet.tool.load = { start: 0.4, end: quiet.tool.cpus + 5 };
    assert.is(headline(quiet).busy, undefined);
    assert.is(formatSummary(quiet).split('\n')[1]!.startsWith('busy machine'), false);
    // A little more than the cores (the trailing average of a run just before): no note.
    quiet.tool.load = { start: quiet.tool.cpus * 1.2, end: 0 };
    assert.is(headline(quiet).busy, undefined);
    const busy = load('results-full.json');
    busy.tool.load = { start: busy.tool.cpus + 7.06, end: 0.5 };
    const note = headline(busy).busy!;
    assert.match(
      note,
      new RegExp(
        `^busy machine: load average ${(busy.tool.cpus + 7.06).toFixed(1)} on ${busy.tool.cpus} cores when the run started; `,
      ),
    );
    assert.is(formatSummary(busy).split('\n')[1], note);
    const written = await writeReports(busy, path.join(tmp.dir, 'busy'), { stepSummary: '' });
    const md = readFileSync(written.markdown, 'utf8');
    assert.ok(md.includes('> busy machine: load average'), 'summary.md');
    const html = readFileSync(written.html, 'utf8');
    assert.match(html, /<p class="busy-note">busy machine: load average/);
    // An older results.json has no load: nothing is claimed.
    const old = load('results-full.json');
    delete old.tool.load;
    assert.is(headline(old).busy, undefined);
  },
);

h(
  'a fleet run: summary.md and index.html show the fleet block (generators, start spread, missing share, its cost), escaped',
  async () => {
    const r = load('results-full.json');
    r.fleet = {
      generators: 3,
      shards: 4,
      where: 'lambda:<fleet> (us-east-1)',
      startAt: '2026-11-30T12:00:00.000Z',
      workers: [
        { shard: '1/4', startOffsetMs: 0.4, readyBeforeMs: 900, requests: 10, billedMs: 6000 },
        { shard: '2/4', startOffsetMs: 3.1, readyBeforeMs: 850, requests: 10, billedMs: 6000 },
        { shard: '3/4', startOffsetMs: 1.2, readyBeforeMs: 700, requests: 10, billedMs: 6000 },
        { shard: '4/4', error: 'timed out after 900 s' },
      ],
      missing: ['4/4'],
      cost: {
        totalUSD: 0.00042,
        gbSeconds: 31.8,
        requests: 4,
        priceSource: 'AWS price list 2026-08-21',
        basis: ['provider REPORT'],
      },
    };
    const written = await writeReports(r, path.join(tmp.dir, 'fleet'), { stepSummary: '' });
    const md = readFileSync(written.markdown, 'utf8');
    assert.ok(md.includes('fleet: 3 of 4 generators answered, on lambda:<fleet> (us-east-1)'), md.slice(0, 600));
    assert.ok(md.includes('spread 2.7 ms'));
    assert.ok(md.includes('✗ shard 4/4 missing: timed out after 900 s'));
    const html = readFileSync(written.html, 'utf8');
    assert.match(html, /<pre class="fleet">fleet: 3 of 4 generators answered, on lambda:&lt;fleet&gt; \(us-east-1\)/);
    assert.not.match(html, /lambda:<fleet>/);
    // No fleet, no block.
    const plain = await writeReports(load('results-full.json'), path.join(tmp.dir, 'nofleet'), { stepSummary: '' });
    assert.not.match(readFileSync(plain.html, 'utf8'), /class="fleet"/);
  },
);

h('unknown is not zero: a target that cannot tell cold from warm shows n/a with the reason', () => {
  const r = burstFixture();
  r.targets[0]!.coldStartMethod = 'none';
  const t = headline(r).targets[0]!;
  assert.is(t.coldStartRate.value, null);
  assert.is(t.coldStartRate.text, 'n/a');
  assert.match(t.coldStartRate.naReason!, /cold/);
  const noPrice = burstFixture();
  noPrice.targets[0]!.summary!.cost = null;
  const c = headline(noPrice).targets[0]!.costPerMillion;
  assert.is(c.text, 'n/a');
  assert.is(c.naReason, 'no price for this provider');
});

h('the verdict names thresholds, the baseline, failed targets and interruption', () => {
  const r = burstFixture();
  assert.equal(headlineVerdict(r), {
    status: 'no gates',
    text: 'no thresholds set and no baseline compared: figures only',
  });
  assert.equal(headlineVerdict(r, { ok: false, regressions: 2 }), {
    status: 'fail',
    text: '2 regressions against the baseline',
  });
  assert.equal(headlineVerdict(r, { ok: true, regressions: 0 }), {
    status: 'pass',
    text: 'no regression against the baseline',
  });
  // A history window too short cannot fail the run: the headline says so and does not read FAIL.
  assert.equal(headlineVerdict(r, { ok: false, regressions: 1, advisory: 'only 3 of 5 runs in the window' }), {
    status: 'pass',
    text: '1 regression against the baseline (advisory: only 3 of 5 runs in the window)',
  });
  r.targets[0]!.error = 'prepare failed';
  assert.is(headlineVerdict(r).status, 'fail');
  r.interrupted = true;
  assert.is(headlineVerdict(r).status, 'interrupted');
});

h.run();
