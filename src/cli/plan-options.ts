/**
 * The capacity-plan flags as yargs options, shared by `plan`, and by `run` and
 * `report`, where they add a capacity plan. Apart from plan.ts (which loads the
 * capacity model and every driver's limits), so `run --help` loads neither.
 */
import type { Options } from 'yargs';

/** The plan flags as yargs options (shared by `plan`, and by `run`/`report`, where they add a capacity plan). */
export const PLAN_OPTIONS: Record<string, Options> = {
  rps: { type: 'number', describe: 'Capacity plan: sustained rate to plan for, req/s' },
  'peak-rps': { type: 'number', describe: 'Capacity plan: peak rate, req/s' },
  'peak-duration': { type: 'string', describe: 'Capacity plan: how long the peak lasts (default 5m)' },
  'peaks-per-month': {
    type: 'number',
    describe: 'Capacity plan: peaks per month, for the cold-start cost share (default 30)',
  },
  p99: { type: 'string', describe: 'Capacity plan: p99 latency objective, e.g. 300ms' },
  'monthly-requests': { type: 'string', describe: 'Capacity plan: monthly volume, e.g. 250M (default: rps × 30 days)' },
  provider: { type: 'string', describe: 'Capacity plan: providers, comma-separated: lambda,gcf,openfaas,local' },
  'node-price-hour': { type: 'number', describe: 'Capacity plan: USD per node-hour for self-hosted providers' },
  'instance-concurrency': {
    type: 'number',
    describe: 'Capacity plan: invocations one instance serves at once (default: the provider’s)',
  },
  limit: {
    type: 'string',
    array: true,
    describe: 'Capacity plan: override a provider limit, e.g. lambda.maxConcurrency=3000 (repeatable)',
  },
};
