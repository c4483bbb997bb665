// Builds the workspace packages the demo imports (@hearth/client and, through it, the worker and the
// engine), so that `pnpm demo` and `pnpm --filter demo-todo build` work on a fresh clone.
// `--if-missing`: only when @hearth/client has no build yet (the root `pnpm build` builds them first).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const clientBuild = fileURLToPath(new URL('../node_modules/@hearth/client/dist/index.js', import.meta.url));
if (process.argv.includes('--if-missing') && existsSync(clientBuild)) process.exit(0);
console.log('Building @hearth/engine, @hearth/worker and @hearth/client for the demo…');
// Under `pnpm run`, npm_execpath is the pnpm that runs this script (it may not be on PATH, e.g. under npx).
const pnpm = process.env.npm_execpath;
const [command, prefix] = pnpm && /\.[cm]?js$/.test(pnpm) ? [process.execPath, [pnpm]] : [pnpm ?? 'pnpm', []];
execFileSync(command, [...prefix, '--filter', 'demo-todo^...', 'run', 'build'], { stdio: 'inherit' });
