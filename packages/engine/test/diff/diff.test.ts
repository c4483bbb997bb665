/**
 * The CI differential run: a few seeds of random scenarios and statements on Hearth and SQLite with
 * the default feature set (every production that should pass: expressions, joins, aggregates, GROUP
 * BY, subqueries, compounds, CTEs, indexes, INSERT/UPDATE/DELETE), which must agree exactly (known
 * differences are fenced off by the flags in features.ts, see FOUND.md). Also checks that the harness can fail: against SQLite with
 * case_sensitive_like on, it must find a difference and reduce it to a small LIKE case.
 */
import { describe, expect, it } from 'vitest';
import { sqliteEngine } from './engines.js';
import { parseFeatures } from './features.js';
import { runDiff, summary } from './harness.js';

const SEEDS = [1, 2, 3, 4];
const PER_SEED = 1000;

describe('differential: Hearth vs SQLite', () => {
  for (const seed of SEEDS) {
    it(`agrees on ${PER_SEED} random statements (seed ${seed})`, () => {
      const result = runDiff({ seed, queries: PER_SEED, features: parseFeatures('default') });
      const rate = Math.round((result.stats.statements * 1000) / Math.max(1, result.stats.ms));
      console.log(`seed ${seed}: ${result.stats.statements} statements in ${result.stats.ms} ms (${rate}/s), ${result.stats.skipped} skipped`);
      if (result.failures.length > 0) console.log(summary(result));
      expect(result.failures.map((f) => f.repro)).toEqual([]);
      expect(result.stats.statements).toBe(PER_SEED);
      // Today's feature set must mostly run, not be skipped as unsupported.
      expect(result.stats.skipped).toBeLessThan(PER_SEED * 0.05);
    });
  }

  it('finds and reduces a planted difference (SQLite with case_sensitive_like)', () => {
    const result = runDiff({
      seed: 7,
      queries: 3000,
      features: parseFeatures('like,where,functions'),
      makeSubject: () => sqliteEngine(['case_sensitive_like = ON']),
    });
    expect(result.failures).toHaveLength(1);
    const repro = result.failures[0]!.repro;
    expect(repro).toMatch(/like/i);
    // Reduced: at most a handful of setup statements and one statement.
    expect(repro.split('\n').filter((l) => !l.startsWith('--')).length).toBeLessThanOrEqual(6);
  });
});
