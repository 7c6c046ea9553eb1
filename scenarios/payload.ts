// Payload sweep: how does latency grow with payload size, each way? functions/echo
// returns its request (request sweep) or, asked with {"responseBytes": N}, N bytes
// (response sweep). 6MB is Lambda's synchronous limit and still passes; 7MB is
// over it and is counted as payload-too-large, without stopping the run.
import { defineScenario, payload } from 'fxbench';

export default defineScenario({
  name: 'payload',
  description: 'Latency per payload size, request and response, up to and past the 6 MB limit',
  targets: ['local-echo'],
  phases: [
    payload({ name: 'request', sizes: ['1KB', '64KB', '1MB', '6MB', '7MB'], requestsPerSize: 5, direction: 'request' }),
    payload({ name: 'response', sizes: ['1KB', '64KB', '1MB'], requestsPerSize: 5, direction: 'response' }),
  ],
});
