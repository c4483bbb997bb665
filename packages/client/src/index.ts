/**
 * @hearth/client: will be the page-side API of Hearth, which sends statements to @hearth/worker and
 * returns their results asynchronously.
 *
 * Not written yet: the client comes in the browser-runtime issue, together with the OPFS worker. Until
 * then this package exports only its version, so that the workspace builds and its consumers can
 * already depend on it.
 */

/** The version of @hearth/client (kept equal to package.json's "version"). */
export const HEARTH_CLIENT_VERSION = '0.1.0';
