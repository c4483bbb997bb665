// The sqllogictest records Hearth is known to fail, each with its cause. With the Hearth engine a
// script passes when exactly its listed records fail: an unlisted failure is a regression, and a listed
// record that passes must be removed from the list (so the list never hides progress or new bugs).
// Records of scripts not listed here must all pass. Real SQLite (the sqlite engine) must pass everything.

export interface KnownFailures {
  /** Why these records fail. */
  cause: string;
  /** Line numbers of the records (as the runner reports them). */
  lines: number[];
}

export const KNOWN_FAILURES: Readonly<Record<string, KnownFailures>> = {};

/** The known failures of script `name` (its path relative to the corpus), for the named engine. */
export function knownFailures(name: string, engine: string): KnownFailures | undefined {
  return engine === 'hearth' ? KNOWN_FAILURES[name] : undefined;
}
