// Shared by the client's tests: a connection through the worker's Comlink API over a MessageChannel (the
// browser path's messaging, run in Node), and the SqliteError a promise rejects with.
import * as Comlink from 'comlink';
import { afterAll, expect } from 'vitest';
import { SqliteError } from '@hearth/engine';
import { DatabaseServer, type WorkerApi, messagingApi } from '@hearth/worker';
import { remote } from '../src/backend.js';
import { type Database, openOn } from '../src/database.js';

const channels: MessageChannel[] = [];
afterAll(() => {
  for (const channel of channels) channel.port1.close();
});

/**
 * A connection through Comlink over a MessageChannel, as a page talks to its worker; the server keeps
 * no files. Not a cross-origin isolated page: the worker (here: this very thread) may not block for
 * db.function.
 */
export async function connectOverMessages(path: string): Promise<Database> {
  const server = new DatabaseServer({
    open: () => Promise.reject(new Error('files are not used here')),
    write: () => Promise.resolve(),
    remove: () => Promise.resolve(),
    releaseAll: () => undefined,
  });
  const channel = new MessageChannel();
  channels.push(channel);
  Comlink.expose(messagingApi(server), channel.port1 as unknown as Comlink.Endpoint);
  const backend = remote(Comlink.wrap<WorkerApi>(channel.port2 as unknown as Comlink.Endpoint), false);
  return openOn(backend, path, {}, () => undefined);
}

/** The SqliteError `promise` rejects with (it must reject with one). */
export async function failure(promise: Promise<unknown>): Promise<SqliteError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(SqliteError);
    return err as SqliteError;
  }
  throw new Error('expected a rejection');
}
