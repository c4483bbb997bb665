#!/usr/bin/env node
// The long differential run: random schemas, data and statements on Hearth and on real SQLite
// (better-sqlite3), compared exactly. Loads packages/engine/test/diff/cli.ts through Vite's module
// runner (the TypeScript sources run as they are, no build). Exits non-zero on a difference.
//
//   node packages/engine/scripts/difftest.mjs --queries 100000 --seed 1 --features default,-params
//   pnpm test:diff -- --help

import { createServer, createServerModuleRunner } from 'vite';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const server = await createServer({
  root: repoRoot,
  configFile: false,
  appType: 'custom',
  logLevel: 'error',
  server: { middlewareMode: true, hmr: false, ws: false },
  optimizeDeps: { noDiscovery: true, include: [] },
});
let code = 1;
try {
  const runner = createServerModuleRunner(server.environments.ssr, { hmr: false });
  const cli = await runner.import('/packages/engine/test/diff/cli.ts');
  const args = process.argv.slice(2).filter((a, i) => !(i === 0 && a === '--'));
  code = cli.main(args, (line) => process.stdout.write(`${line}\n`));
  await runner.close();
} finally {
  await server.close();
}
process.exit(code);
