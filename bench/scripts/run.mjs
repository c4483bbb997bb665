// Entry of `pnpm bench` and `pnpm bench:node`: bundles the bench's TypeScript (and Hearth's source) for Node
// with esbuild into bench/.cache, then runs it. Arguments pass through: `browser|node [--quick] [--engines=a,b]`.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const benchDir = dirname(dirname(fileURLToPath(import.meta.url)));
const engineSrc = join(benchDir, '..', 'packages', 'engine', 'src');
const cache = join(benchDir, '.cache');

await build({
  entryPoints: { cli: join(benchDir, 'src', 'cli.ts'), 'node-engine-worker': join(benchDir, 'src', 'node', 'engine-worker.ts') },
  outdir: cache,
  outExtension: { '.js': '.mjs' },
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  packages: 'external',
  alias: { '@hearth/engine/node': join(engineSrc, 'node.ts'), '@hearth/engine': join(engineSrc, 'index.ts') },
  logLevel: 'warning',
});

const result = spawnSync(process.execPath, ['--expose-gc', '--enable-source-maps', join(cache, 'cli.mjs'), ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(result.status ?? 1);
