// A local stand-in for the Azure Functions host (v4) serving HTTP-triggered
// functions, as documented (learn.microsoft.com/azure/azure-functions/
// functions-bindings-http-webhook-trigger and function-keys-how-to, read
// 2026-11-30): routes are /api/<name> (routePrefix "api"); a function with
// authLevel "function" needs a function key or the host key, in the
// `x-functions-key` header or the `code` query parameter, else 401 with an empty
// body; an unhandled exception in the function is a 500; unknown routes and
// methods 404. One process = one instance: WEBSITE_INSTANCE_ID is set as Azure
// sets it. Functions are the app's own module, registered through the REAL
// @azure/functions package's handler shape: the module's exported handler gets a
// real HttpRequest and InvocationContext and returns an HttpResponseInit, turned
// into the response by the package's HttpResponse.
//
//   node fake-azure-functions.mjs MODULE EXPORT NAME KEY TRUTH_LOG [authLevel]
//
// Server-side truth, a line per event in TRUTH_LOG: "process <pid>", "invoke <pid> <n>",
// "error <pid> <n>", "unauthorized <pid>". Prints {"port":N} once listening on 127.0.0.1.
import { appendFileSync } from 'node:fs';
import http from 'node:http';
import { pathToFileURL } from 'node:url';
// A CommonJS package: these classes are reached through its default export.
import azureFunctions from '@azure/functions';

const { HttpRequest, HttpResponse, InvocationContext } = azureFunctions;

const [modulePath, exportName, name, key, truthLog, authLevel = 'function'] = process.argv.slice(2);
process.env.WEBSITE_INSTANCE_ID ??= `fake-${process.pid}-${Date.now().toString(16)}`;
appendFileSync(truthLog, `process ${process.pid}\n`);
const mod = await import(pathToFileURL(modulePath).href);
const handler = mod[exportName];
let n = 0;

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', async () => {
    const url = new URL(req.url, `http://${req.headers.host}`);
    if (url.pathname.toLowerCase() !== `/api/${name.toLowerCase()}` || req.method !== 'POST') {
      res.writeHead(404).end();
      return;
    }
    if (authLevel !== 'anonymous') {
      const given = req.headers['x-functions-key'] ?? url.searchParams.get('code');
      if (given !== key) {
        appendFileSync(truthLog, `unauthorized ${process.pid}\n`);
        res.writeHead(401, { 'content-length': '0' }).end();
        return;
      }
    }
    n += 1;
    const mine = n;
    appendFileSync(truthLog, `invoke ${process.pid} ${mine}\n`);
    const headers = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
    const request = new HttpRequest({
      method: req.method,
      url: url.href,
      headers,
      query: Object.fromEntries(url.searchParams),
      body: { bytes: Buffer.concat(chunks) },
    });
    const context = new InvocationContext({
      functionName: name,
      invocationId: `${process.pid}-${mine}`,
      logHandler: () => {},
    });
    try {
      const out = new HttpResponse(await handler(request, context));
      const body = Buffer.from(await out.arrayBuffer());
      const h = { 'content-length': String(body.length) };
      out.headers.forEach((v, k) => (h[k] = v));
      res.writeHead(out.status ?? 200, h).end(body);
    } catch {
      appendFileSync(truthLog, `error ${process.pid} ${mine}\n`);
      res.writeHead(500, { 'content-length': '0' }).end();
    }
  });
});
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: server.address().port })));
