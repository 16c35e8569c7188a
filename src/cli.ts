#!/usr/bin/env node
// The connect-sync command line (package bin). All logic lives in src/cli/.
import { main } from './cli/main.js';

const code = await main(process.argv.slice(2));
// Let pending log writes flush, then exit with the command's code.
process.exitCode = code;
