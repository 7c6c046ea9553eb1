#!/usr/bin/env node
// fxbench's command line. Scenario files and fxbench itself are TypeScript,
// loaded through tsx's ESM hooks (registered here, before anything else).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/index.ts');
process.exitCode = await main(process.argv.slice(2));
