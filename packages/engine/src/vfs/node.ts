/**
 * A VFS over Node's synchronous `fs` API. Node-only: it is exported from the package's `node` entry
 * point so that browser bundles never see `node:fs`.
 *
 * There is no file locking: a database must not be written by this VFS and another process at once.
 */
import * as fs from 'node:fs';
import { SqliteError } from '../common/errors.js';
import type { Vfs, VfsFile, VfsOpenOptions } from './vfs.js';

function ioError(op: string, path: string, cause: unknown): SqliteError {
  const err = cause as NodeJS.ErrnoException;
  if (err?.code === 'ENOSPC' || err?.code === 'EDQUOT') {
    return new SqliteError('SQLITE_FULL', 'database or disk is full');
  }
  return new SqliteError('SQLITE_IOERR', `disk I/O error (${op} ${path}: ${err?.message ?? String(cause)})`);
}

class NodeFile implements VfsFile {
  private fd: number;

  constructor(
    private readonly path: string,
    readonly: boolean,
  ) {
    try {
      this.fd = fs.openSync(path, readonly ? 'r' : 'r+');
    } catch (cause) {
      throw new SqliteError('SQLITE_CANTOPEN', `unable to open database file: ${path} (${(cause as Error).message})`);
    }
  }

  read(buf: Uint8Array, offset: number): number {
    let done = 0;
    try {
      while (done < buf.length) {
        const n = fs.readSync(this.fd, buf, done, buf.length - done, offset + done);
        if (n === 0) break;
        done += n;
      }
    } catch (cause) {
      throw ioError('read', this.path, cause);
    }
    if (done < buf.length) buf.fill(0, done);
    return done;
  }

  write(buf: Uint8Array, offset: number): void {
    try {
      let done = 0;
      while (done < buf.length) {
        done += fs.writeSync(this.fd, buf, done, buf.length - done, offset + done);
      }
    } catch (cause) {
      throw ioError('write', this.path, cause);
    }
  }

  size(): number {
    return fs.fstatSync(this.fd).size;
  }

  truncate(size: number): void {
    try {
      fs.ftruncateSync(this.fd, size);
    } catch (cause) {
      throw ioError('truncate', this.path, cause);
    }
  }

  sync(): void {
    try {
      fs.fsyncSync(this.fd);
    } catch (cause) {
      throw ioError('sync', this.path, cause);
    }
  }

  close(): void {
    fs.closeSync(this.fd);
  }
}

/** A VFS whose paths are paths of the host file system. */
export class NodeVfs implements Vfs {
  readonly name = 'node';

  open(path: string, options: VfsOpenOptions = {}): VfsFile {
    if (!fs.existsSync(path)) {
      if (options.create === false || options.readonly) {
        throw new SqliteError('SQLITE_CANTOPEN', `unable to open database file: ${path}`);
      }
      fs.closeSync(fs.openSync(path, 'a'));
    }
    return new NodeFile(path, options.readonly === true);
  }

  delete(path: string): void {
    fs.rmSync(path, { force: true });
  }

  exists(path: string): boolean {
    return fs.existsSync(path);
  }
}
