/**
 * Bytes shipped per engine: what an application would load to use it, raw and gzipped (level 9). Each
 * engine's JS entry is bundled and minified on its own (esbuild, tree-shaken to what the bench's driver
 * imports), plus the files it fetches at run time (its wasm, its own worker script).
 */
import { readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import type { ShippedBytes } from '../results.js';

interface Shipment {
  engine: string;
  /** JS entry source (bundled with imports resolved from the bench package). */
  entry: string;
  /** Extra bundled entries (workers the engine starts), as `package:file`. */
  workers: string[];
  /** Files fetched as they are (wasm), as `package:file`. */
  assets: string[];
}

async function bundle(source: { contents: string } | { file: string }, benchDir: string, alias: Record<string, string>): Promise<Uint8Array> {
  const result = await build({
    ...('file' in source ? { entryPoints: [source.file] } : { stdin: { contents: source.contents, resolveDir: benchDir, loader: 'ts' as const } }),
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    alias,
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.contents;
}

/** A file inside a package the bench depends on (`package:file`), even one its `exports` does not list. */
function packageFile(benchDir: string, spec: string): string {
  const [pkg, file] = spec.split(':') as [string, string];
  return realpathSync(join(benchDir, 'node_modules', pkg, file));
}

export async function shippedBytes(benchDir: string, engineSource: string): Promise<ShippedBytes[]> {
  const shipments: Shipment[] = [
    { engine: 'hearth', entry: "export { Database } from '@hearth/engine';", workers: [], assets: [] },
    {
      engine: 'sqlite-wasm',
      entry: "export { default } from '@sqlite.org/sqlite-wasm';",
      workers: [],
      assets: ['@sqlite.org/sqlite-wasm:dist/sqlite3.wasm'],
    },
    {
      engine: 'wa-sqlite',
      entry:
        "export { default } from '@journeyapps/wa-sqlite/dist/wa-sqlite.mjs'; export { Factory } from '@journeyapps/wa-sqlite'; export { AccessHandlePoolVFS } from '@journeyapps/wa-sqlite/src/examples/AccessHandlePoolVFS.js';",
      workers: [],
      assets: ['@journeyapps/wa-sqlite:dist/wa-sqlite.wasm'],
    },
    {
      engine: 'turso',
      entry: "export { connect } from '@tursodatabase/database-wasm';",
      workers: ['@tursodatabase/database-wasm:dist/worker.js'],
      assets: ['@tursodatabase/database-wasm:dist/turso.wasm32-wasi.wasm'],
    },
  ];
  const alias = { '@hearth/engine': engineSource };
  const out: ShippedBytes[] = [];
  for (const s of shipments) {
    const parts: { name: string; bytes: Uint8Array }[] = [{ name: `${s.engine}.min.js`, bytes: await bundle({ contents: s.entry }, benchDir, alias) }];
    for (const worker of s.workers) {
      parts.push({ name: `${worker.split('/').pop()!.replace(/\.js$/, '')}.min.js`, bytes: await bundle({ file: packageFile(benchDir, worker) }, benchDir, alias) });
    }
    for (const asset of s.assets) parts.push({ name: asset.split('/').pop()!, bytes: readFileSync(packageFile(benchDir, asset)) });
    out.push({
      engine: s.engine,
      files: parts.map((p) => p.name),
      raw: parts.reduce((n, p) => n + p.bytes.length, 0),
      gzip: parts.reduce((n, p) => n + gzipSync(p.bytes, { level: 9 }).length, 0),
    });
  }
  return out;
}
