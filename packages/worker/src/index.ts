/**
 * @hearth/worker: will run the Hearth engine inside a dedicated Web Worker, storing the database in the
 * Origin Private File System (OPFS) through synchronous access handles.
 *
 * Not written yet: the OPFS worker comes in the browser-runtime issue. Until then this package exports
 * only its version, so that the workspace builds and its consumers can already depend on it.
 */

/** The version of @hearth/worker (kept equal to package.json's "version"). */
export const HEARTH_WORKER_VERSION = '0.1.0';
