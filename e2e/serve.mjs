// A tiny static server for the runtime test app's build (runtime-app/dist) on 127.0.0.1, twice: port
// 4174 sends Cross-Origin-Opener-Policy and Cross-Origin-Embedder-Policy (the page is cross-origin
// isolated: SharedArrayBuffer exists), port 4175 sends neither. Everything else is the same.
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('./runtime-app/dist/', import.meta.url));
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.wasm': 'application/wasm' };
const ISOLATION = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

function serve(port, extraHeaders) {
  createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^([/\\])+/, '');
    let file = join(ROOT, path);
    if (!file.startsWith(ROOT) || !existsSync(file) || statSync(file).isDirectory()) file = join(ROOT, 'index.html');
    res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Cache-Control': 'no-store', ...extraHeaders });
    createReadStream(file).pipe(res);
  }).listen(port, '127.0.0.1');
}

serve(4174, ISOLATION);
serve(4175, {});
console.log('runtime test app on http://127.0.0.1:4174 (isolated) and http://127.0.0.1:4175 (not isolated)');
