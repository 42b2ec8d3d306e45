// Build step: renders the top-level help once, so `curvectl --help` needs no commander at run time.
import { writeFileSync } from 'node:fs';
import { buildProgram } from '../dist/cli/main.js';

writeFileSync(new URL('../dist/help.txt', import.meta.url), buildProgram().helpInformation());
