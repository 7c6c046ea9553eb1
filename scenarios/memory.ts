// Memory sweep (after AWS Lambda Power Tuning): the same burst at 128, 256, 512
// and 1024 MB; per size, latency percentiles, cold starts and cost. Each size
// starts cold (changing memory replaces instances). functions/alloc holds 150 MB
// of heap per invocation: at 128 MB it runs out of memory; from 256 MB it fits.
// On the local runtime memory caps the heap but does not buy CPU, so cost grows
// with size while latency stays flat; on Lambda CPU grows with memory too.
import { burst, defineScenario, memorySweep } from 'fxbench';

export default defineScenario({
  name: 'memory',
  description: 'Cost against speed per memory size, with the size where the function runs out of memory',
  targets: ['local-alloc'],
  payload: { allocMB: 150 },
  phases: [memorySweep({ sizes: [128, 256, 512, 1024], phase: burst({ concurrency: 3, rounds: 2, gap: '500ms' }) })],
});
