// An example HTTP function served by the REAL @google-cloud/functions-framework
// (npm) on 127.0.0.1 through its programmatic API (its CLI cannot bind
// 127.0.0.1). Started as a child process by gcf.test.ts: one process = one
// function instance.
//
//   node gcf-function.mjs snippet   uses snippets/node/fxbench-instance.mjs
//   node gcf-function.mjs plain     no snippet; the first request pays a 400 ms lazy init
//
// Prints "listening PORT" once the port is open. The function answers
// { ok, auth } where auth is the SHA-256 of the Authorization header it got
// (so the test can check the token arrived without the token being echoed).
import { createHash } from 'node:crypto';
import { http } from '@google-cloud/functions-framework';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import { fxbenchHeaders } from '../../snippets/node/fxbench-instance.mjs';

const mode = process.argv[2] ?? 'snippet';
let initDone = false;

http('hello', async (req, res) => {
  if (mode === 'snippet') res.set(fxbenchHeaders());
  else if (!initDone) {
    await new Promise((r) => setTimeout(r, 400));
    initDone = true;
  }
  const sleepMs = Number(req.body?.sleepMs ?? 0);
  if (sleepMs) await new Promise((r) => setTimeout(r, sleepMs));
  if (req.body?.fail) throw new Error('boom');
  const auth = req.get('authorization');
  res.json({ ok: true, auth: auth ? createHash('sha256').update(auth).digest('hex') : null });
});

const server = getTestServer('hello');
server.listen(0, '127.0.0.1', () => console.log(`listening ${server.address().port}`));
