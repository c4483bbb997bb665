/**
 * The raw OPFS floor, measured in the same run as the engines: what a sync access handle allows without any
 * database on top. A "commit" is one 4 KiB write followed by flush(), the least a durable commit can do;
 * read throughput is a sequential pass over a file with 4 KiB (page-sized) and 1 MiB reads.
 */
import type { OpfsFloor } from '../results.js';

/** The worker's global scope and the sync access handle, typed with what this file uses. */
const scope = self as unknown as { postMessage(message: unknown): void; onmessage: ((event: MessageEvent<FloorRequest>) => void) | null };
interface SyncAccessHandle {
  write(buffer: Uint8Array, options: { at: number }): number;
  read(buffer: Uint8Array, options: { at: number }): number;
  flush(): void;
  close(): void;
}

const PAGE = 4096;

interface FloorRequest {
  commits: number;
  readMiB: number;
}

async function measureFloor({ commits, readMiB }: FloorRequest): Promise<OpfsFloor> {
  const root = await navigator.storage.getDirectory();
  const file = await root.getFileHandle('opfs-floor.bin', { create: true });
  const handle = (await (file as unknown as { createSyncAccessHandle(): Promise<SyncAccessHandle> }).createSyncAccessHandle());
  try {
    const page = new Uint8Array(PAGE).fill(7);
    const each: number[] = [];
    const start = performance.now();
    for (let i = 0; i < commits; i++) {
      const t = performance.now();
      handle.write(page, { at: i * PAGE });
      handle.flush();
      each.push(performance.now() - t);
    }
    const commitsMs = performance.now() - start;
    each.sort((a, b) => a - b);

    const total = readMiB * 1024 * 1024;
    const chunk = new Uint8Array(1024 * 1024).fill(3);
    for (let at = 0; at < total; at += chunk.length) handle.write(chunk, { at });
    handle.flush();
    const readPass = (size: number): number => {
      const buffer = new Uint8Array(size);
      const t = performance.now();
      for (let at = 0; at < total; at += size) handle.read(buffer, { at });
      return readMiB / ((performance.now() - t) / 1000);
    };
    readPass(PAGE);
    return { commitMs: each[each.length >> 1]!, commits, commitsMs, readMiBps4k: readPass(PAGE), readMiBps1m: readPass(1024 * 1024) };
  } finally {
    handle.close();
    await root.removeEntry('opfs-floor.bin');
  }
}

scope.onmessage = (event) => {
  measureFloor(event.data).then(
    (floor) => scope.postMessage({ floor }),
    (error: unknown) => scope.postMessage({ error: error instanceof Error ? error.message : String(error) }),
  );
};
