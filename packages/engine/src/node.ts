/**
 * @hearth/engine for Node: everything in the main entry point plus the Node `fs` VFS, which
 * `Database` uses by default here for paths other than `:memory:`.
 */
import { Database as BaseDatabase, type DatabaseOptions } from './api/database.js';
import { NodeVfs } from './vfs/node.js';

export * from './index.js';
export { NodeVfs } from './vfs/node.js';

const nodeVfs = new NodeVfs();

/** A connection whose files are files of the host file system unless `options.vfs` says otherwise. */
export class Database extends BaseDatabase {
  constructor(path = ':memory:', options: DatabaseOptions = {}) {
    super(path, { ...options, vfs: options.vfs ?? (path === ':memory:' || path === '' ? undefined : nodeVfs) });
  }
}
