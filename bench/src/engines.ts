/**
 * The engine configurations each variant measures (engine × storage), and which pairs the ratio table
 * compares: Hearth against each peer on the same storage.
 */

export interface EngineConfig {
  /** Unique in a run, e.g. `sqlite-wasm-opfs`; also names the worker and the database file. */
  id: string;
  engine: string;
  storage: 'memory' | 'opfs' | 'file';
  label: string;
}

export const BROWSER_ENGINES: EngineConfig[] = [
  { id: 'hearth-opfs', engine: 'hearth', storage: 'opfs', label: 'Hearth (OPFS)' },
  { id: 'hearth-memory', engine: 'hearth', storage: 'memory', label: 'Hearth (memory)' },
  { id: 'sqlite-wasm-opfs', engine: 'sqlite-wasm', storage: 'opfs', label: 'sqlite-wasm (opfs-sahpool)' },
  { id: 'sqlite-wasm-memory', engine: 'sqlite-wasm', storage: 'memory', label: 'sqlite-wasm (memory)' },
  { id: 'turso-opfs', engine: 'turso', storage: 'opfs', label: 'Turso wasm (OPFS)' },
  { id: 'turso-memory', engine: 'turso', storage: 'memory', label: 'Turso wasm (memory)' },
  { id: 'wa-sqlite-opfs', engine: 'wa-sqlite', storage: 'opfs', label: 'wa-sqlite (AccessHandlePoolVFS)' },
  { id: 'wa-sqlite-memory', engine: 'wa-sqlite', storage: 'memory', label: 'wa-sqlite (memory)' },
];

export const NODE_ENGINES: EngineConfig[] = [
  { id: 'hearth-file', engine: 'hearth', storage: 'file', label: 'Hearth (file)' },
  { id: 'hearth-memory', engine: 'hearth', storage: 'memory', label: 'Hearth (memory)' },
  { id: 'better-sqlite3-file', engine: 'better-sqlite3', storage: 'file', label: 'better-sqlite3 (file)' },
  { id: 'better-sqlite3-memory', engine: 'better-sqlite3', storage: 'memory', label: 'better-sqlite3 (memory)' },
];

/** Hearth / peer pairs on the same storage. */
export function ratioPairs(configs: EngineConfig[]): { hearth: string; peer: string }[] {
  const pairs: { hearth: string; peer: string }[] = [];
  for (const peer of configs) {
    if (peer.engine === 'hearth') continue;
    const hearth = configs.find((c) => c.engine === 'hearth' && c.storage === peer.storage);
    if (hearth) pairs.push({ hearth: hearth.id, peer: peer.id });
  }
  return pairs;
}
