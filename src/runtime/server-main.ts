/**
 * Entry of the runtime process `fxbench run` starts for its generators
 * (server-process.ts): the local runtime as a platform of its own, on
 * 127.0.0.1, serving the functions the generators add over HTTP with the
 * registration token (gateway-register.ts). It loads the runtime and nothing
 * of the generator, so its heap stays small and each instance it spawns copies
 * little. Prints `{"url": …}` on stdout once listening. Ctrl-C reaches every
 * process of the terminal's group: it ignores SIGINT and stops (every instance
 * with it) on SIGTERM, or when its stdin closes (fxbench gone, however it ended);
 * the kernel's parent-death signal and the reaper cover the rest.
 */
import { LocalRuntime } from './runtime.ts';

const token = process.env.FXBENCH_RUNTIME_TOKEN;
delete process.env.FXBENCH_RUNTIME_TOKEN;
const rt = new LocalRuntime([], { host: process.env.FXBENCH_RUNTIME_HOST || '127.0.0.1', registerToken: token });
process.on('exit', () => rt.killAllSync());
process.on('SIGINT', () => undefined);
let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  rt.stop().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on('SIGTERM', stop);
process.stdin.on('end', stop);
process.stdin.on('error', stop);
process.stdin.resume();
const url = await rt.start();
process.stdout.write(`${JSON.stringify({ url, pid: process.pid })}\n`);
