/**
 * Command line of the long differential run (scripts/difftest.mjs loads this module through Vite's
 * module runner, so it runs the TypeScript sources directly). Returns the process exit code: 0 when no
 * difference was found, 1 when one was, 2 on a usage error.
 */
import { ALL_FEATURES, BASE_FEATURES, BUG_FLAGS, PENDING_FEATURES, parseFeatures } from './features.js';
import { runDiff, summary } from './harness.js';

const USAGE = `usage: difftest.mjs [options]

Random schemas, data and statements run on Hearth and on SQLite (better-sqlite3), compared exactly.

options:
  --queries N        statements to run (default 10000)
  --seed S           base seed (default: random, printed)
  --round R          first round (replays a reported round with the same seed)
  --features LIST    comma-separated: names, "default", "all", "-name" to remove (default: default)
  --per-scenario N   statements per random scenario (default 25)
  --max-failures N   stop after N differences (default 1)
  --no-reduce        report differences as generated, without reduction
  --progress N       print progress every N statements (default 5000)
  -h, --help         this text

features: default = ${BASE_FEATURES.join(',')}
          pending = ${PENDING_FEATURES.join(',') || '(none)'}
          known-bug workarounds (off by default) = ${BUG_FLAGS.join(',')}`;

export function main(args: readonly string[], out: (line: string) => void): number {
  let queries = 10_000;
  let seed = (Math.random() * 2 ** 31) >>> 0;
  let round = 0;
  let featureSpec: string | undefined;
  let perScenario = 25;
  let maxFailures = 1;
  let reduce = true;
  let progress = 5000;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const value = (): number => {
      const v = Number(args[++i]);
      if (!Number.isSafeInteger(v) || v < 0) throw new Error(`${arg} needs a non-negative integer`);
      return v;
    };
    switch (arg) {
      case '-h':
      case '--help':
        out(USAGE);
        return 0;
      case '--queries':
        queries = value();
        break;
      case '--seed':
        seed = value();
        break;
      case '--round':
        round = value();
        break;
      case '--features':
        featureSpec = args[++i];
        break;
      case '--per-scenario':
        perScenario = Math.max(1, value());
        break;
      case '--max-failures':
        maxFailures = Math.max(1, value());
        break;
      case '--no-reduce':
        reduce = false;
        break;
      case '--progress':
        progress = Math.max(1, value());
        break;
      default:
        out(`difftest: unknown option ${arg}\n${USAGE}`);
        return 2;
    }
  }
  let features;
  try {
    features = parseFeatures(featureSpec);
  } catch (err) {
    out(`difftest: ${(err as Error).message}`);
    return 2;
  }
  out(`difftest: seed ${seed}${round ? `, from round ${round}` : ''}, ${queries} statements, features ${ALL_FEATURES.filter((f) => features.has(f)).join(',')}`);
  const result = runDiff({
    seed,
    queries,
    features,
    round,
    statementsPerScenario: perScenario,
    maxFailures,
    reduce,
    progressEvery: progress,
    onProgress: (s) => out(`  ${s.statements} statements: ${s.passed} passed, ${s.skipped} skipped, ${s.failed} failed (${Math.round((s.statements * 1000) / Math.max(1, s.ms))}/s)`),
  });
  out(summary(result));
  return result.failures.length > 0 ? 1 : 0;
}
