/** Types for wa-sqlite's AccessHandlePoolVFS example, which its package ships without a declaration. */
declare module '@journeyapps/wa-sqlite/src/examples/AccessHandlePoolVFS.js' {
  /** A VFS over a pool of pre-opened OPFS sync access handles in the directory `name`. */
  export class AccessHandlePoolVFS {
    static create(name: string, module: unknown): Promise<AccessHandlePoolVFS>;
    readonly name: string;
    /** Releases the pool's access handles. */
    close(): Promise<void>;
  }
}
