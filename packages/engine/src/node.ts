/**
 * @hearth/engine for Node: everything in the main entry point plus the Node `fs` VFS.
 */
export * from './index.js';
export { NodeVfs } from './vfs/node.js';
