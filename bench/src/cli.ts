/**
 * `pnpm bench` / `pnpm bench:node`: runs one variant, prints the console table, and writes
 * `results/[node-]latest.json` and `.html` (quick runs write `[node-]quick.*`, cold-start-only runs (`--cold`)
 * `[node-]cold.*`, and runs of only some engines
 * `[node-]partial.*`, so they never replace the full baseline). Exits non-zero when engines disagree on a
 * result or an available engine fails a workload.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sizesFor } from './data.js';
import { BROWSER_ENGINES, NODE_ENGINES, ratioPairs } from './engines.js';
import { runNode } from './node/run-node.js';
import { WARM_STARTS } from './orchestrate.js';
import { consoleReport } from './report/console.js';
import { htmlReport } from './report/html.js';
import { shippedBytes } from './report/shipped.js';
import type { BenchReport } from './results.js';
import { WORKLOADS } from './workloads.js';
import { runBrowser } from './browser/run-browser.js';

/** The bench package's directory: this file runs bundled as `<bench>/.cache/cli.mjs`. */
const BENCH_DIR = dirname(dirname(fileURLToPath(import.meta.url)));
const ENGINE_SOURCE = join(BENCH_DIR, '..', 'packages', 'engine', 'src', 'index.ts');

function versionOf(pkg: string): string {
  try {
    return (JSON.parse(readFileSync(join(BENCH_DIR, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const variant = args[0] === 'node' ? 'node' : 'browser';
  const quick = args.includes('--quick');
  const coldOnly = args.includes('--cold');
  const enginesArg = args.find((a) => a.startsWith('--engines='))?.slice('--engines='.length).split(',');
  const sizes = sizesFor(quick, coldOnly);
  const allConfigs = variant === 'node' ? NODE_ENGINES : BROWSER_ENGINES;
  const configs = allConfigs.filter((c) => !enginesArg || enginesArg.includes(c.id));
  const environment: BenchReport['environment'] = {
    node: process.version,
    cpu: `${cpus()[0]?.model ?? 'unknown'} × ${cpus().length}`,
    sizes: `items=${sizes.items} lookups=${sizes.lookups} autocommit=${sizes.autocommitInserts} repetitions=${sizes.repetitions}+1 warm-up, cold starts=${sizes.coldStarts}+${WARM_STARTS} warm-up`,
  };
  const report: BenchReport = {
    variant,
    quick,
    startedAt: new Date().toISOString(),
    environment,
    workloads: WORKLOADS.map(({ id, title }) => ({ id, title })),
    engines: [],
    ratios: ratioPairs(configs),
    shipped: [],
    opfsFloor: null,
    mismatches: [],
  };
  if (variant === 'node') {
    environment['better-sqlite3'] = versionOf('better-sqlite3');
    const result = await runNode(join(BENCH_DIR, '.cache', 'node-engine-worker.mjs'), configs, sizes, coldOnly);
    report.engines = result.engines;
    report.mismatches = result.mismatches;
  } else {
    environment['@sqlite.org/sqlite-wasm'] = versionOf('@sqlite.org/sqlite-wasm');
    environment['@tursodatabase/database-wasm'] = versionOf('@tursodatabase/database-wasm');
    const result = await runBrowser(BENCH_DIR, { quick, coldOnly, ...(enginesArg ? { engines: enginesArg } : {}) });
    environment.chromium = result.chromiumVersion;
    environment.crossOriginIsolated = result.page.crossOriginIsolated;
    environment.hardwareConcurrency = result.page.hardwareConcurrency;
    environment.userAgent = result.page.userAgent;
    if (result.page.opfsFloorError) environment.opfsFloorError = result.page.opfsFloorError;
    report.engines = result.page.engines;
    report.mismatches = result.page.mismatches;
    report.opfsFloor = result.page.opfsFloor;
    if (!coldOnly) report.shipped = await shippedBytes(BENCH_DIR, ENGINE_SOURCE);
  }
  const text = consoleReport(report);
  console.log(`\n${text}`);
  const resultsDir = join(BENCH_DIR, 'results');
  mkdirSync(resultsDir, { recursive: true });
  const base = `${variant === 'node' ? 'node-' : ''}${quick ? 'quick' : coldOnly ? 'cold' : enginesArg ? 'partial' : 'latest'}`;
  writeFileSync(join(resultsDir, `${base}.json`), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(resultsDir, `${base}.html`), htmlReport(report));
  console.log(`wrote ${join('bench', 'results', `${base}.json`)} and ${base}.html`);
  const errors = report.engines.some((e) => e.available && Object.values(e.workloads).some((w) => w.error));
  if (report.mismatches.length > 0) console.error(`FAILED: ${report.mismatches.length} workload(s) returned different results across engines`);
  if (errors) console.error('FAILED: an engine failed a workload (see ERROR lines)');
  return report.mismatches.length > 0 || errors ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
