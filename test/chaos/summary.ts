/**
 * Prints the summary table of chaos-results/chaos.json (written by the test/chaos suites).
 * `npm run test:chaos` runs it after the suites; `npx tsx test/chaos/summary.ts` any time.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { resultsDir, summaryTable, type ScenarioFigures } from './_support.js';

const file = path.join(resultsDir, 'chaos.json');
try {
  const doc = JSON.parse(await readFile(file, 'utf8')) as { mode: string; updatedAt: string; machine: { cpus: number; node: string }; scenarios: Record<string, ScenarioFigures> };
  console.log(`\nChaos figures (${doc.mode} mode, ${doc.updatedAt}, ${doc.machine.cpus} CPUs, Node ${doc.machine.node}) from ${path.relative(process.cwd(), file)}:\n`);
  console.log(summaryTable(doc.scenarios));
  const bad = Object.values(doc.scenarios).reduce((n, s) => n + s.inconsistencies, 0);
  console.log(`\n${bad === 0 ? 'No inconsistencies.' : `${bad} INCONSISTENCIES: see ${file}.`}`);
} catch (error) {
  console.log(`No chaos figures to show (${(error as Error).message}).`);
}
