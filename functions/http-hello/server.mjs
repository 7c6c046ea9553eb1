// An OpenFaaS of-watchdog http-mode style function: a long-lived HTTP server on
// $PORT (the runtime starts one per instance and proxies requests to it). It
// answers with the identity made at start-up, so warm reuse is visible.
// On demand (JSON body): {"fail": "exit" | "hang" | "oom" | "500"}; {"sleepMs": N} waits N ms.
import http from 'node:http';
import { randomUUID } from 'node:crypto';

const instanceId = randomUUID();
let invocations = 0;
const initWorkMs = Number(process.env.INIT_WORK_MS ?? 0);
const t0 = performance.now();
while (performance.now() - t0 < initWorkMs); // simulated start-up work

http
  .createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      invocations++;
      let event = {};
      try {
        event = JSON.parse(Buffer.concat(chunks).toString() || '{}');
      } catch {}
      if (event.fail === 'exit') process.exit(3);
      if (event.fail === 'hang') return;
      if (event.fail === 'oom') {
        const hoard = [];
        for (;;) hoard.push(Buffer.alloc(16 * 1024 * 1024, 1));
      }
      if (event.sleepMs) await new Promise((r) => setTimeout(r, event.sleepMs));
      const status = event.fail === '500' ? 500 : 200;
      const body = JSON.stringify({ message: 'hello from an http upstream', instanceId, invocations, method: req.method, url: req.url, pid: process.pid });
      res.writeHead(status, { 'content-type': 'application/json', 'x-upstream': 'http-hello' });
      res.end(body);
    });
  })
  .listen(Number(process.env.PORT ?? 8080), '127.0.0.1');
