/**
 * The differential run: rounds of (random scenario, many random statements), each statement run on
 * SQLite and Hearth and compared; statistics per feature and per unsupported construct; on a
 * difference, automatic reduction and a reproduction script with the seed.
 *
 * Determinism: round r of seed s draws everything from `new Prng(roundSeed(s, r))`, so a report's
 * seed and round replay the exact statement sequence (`--seed S --round R`).
 */
import { Prng } from '../support/prng.js';
import { type CaseResult, Pair, reproScript } from './case.js';
import type { Mismatch } from './compare.js';
import { type Engine, hearthEngine } from './engines.js';
import { ALL_FEATURES, type Feature, type FeatureSet } from './features.js';
import { randomSelect, randomWrite } from './gen.js';
import { reduce } from './reduce.js';
import { type Scenario, randomScenario, setupStatements } from './schema.js';
import { type SqlNode, featuresOf } from './sql-node.js';
import { literalStyle } from './values.js';

export interface RunOptions {
  seed: number;
  /** Statements to run in all. */
  queries: number;
  features: FeatureSet;
  /** First round (to replay a reported round). */
  round?: number;
  statementsPerScenario?: number;
  /** Stop after this many differences (default 1). */
  maxFailures?: number;
  /** Reduce failing cases (default true). */
  reduce?: boolean;
  /** The engine under test (default Hearth). */
  makeSubject?: () => Engine;
  /** Called every `progressEvery` statements. */
  onProgress?: (stats: Stats) => void;
  progressEvery?: number;
}

export interface FeatureCount {
  statements: number;
  passed: number;
  skipped: number;
  failed: number;
}

export interface Stats {
  statements: number;
  passed: number;
  /** Passed only through the DISTINCT representative allowance (included in `passed`). */
  lenient: number;
  skipped: number;
  failed: number;
  /** Statements whose result was an error on both sides with the same message (included in `passed`). */
  bothErrors: number;
  scenarios: number;
  perFeature: Map<Feature, FeatureCount>;
  /** "not supported yet" constructs and how often each made a statement (or setup step) skipped. */
  unsupported: Map<string, number>;
  ms: number;
}

export interface Failure {
  seed: number;
  round: number;
  statement: number;
  mismatch: Mismatch;
  /** The reduced reproduction script (the original when reduction is off). */
  repro: string;
  original: string;
  evaluations: number;
}

export interface RunResult {
  stats: Stats;
  failures: Failure[];
}

/** The PRNG seed of round `round` of a run seeded `seed`. */
export function roundSeed(seed: number, round: number): number {
  return (Math.imul(seed >>> 0, 0x9e3779b1) + Math.imul(round + 1, 0x85ebca6b)) >>> 0;
}

function emptyStats(): Stats {
  const perFeature = new Map<Feature, FeatureCount>();
  for (const f of ALL_FEATURES) perFeature.set(f, { statements: 0, passed: 0, skipped: 0, failed: 0 });
  return { statements: 0, passed: 0, lenient: 0, skipped: 0, failed: 0, bothErrors: 0, scenarios: 0, perFeature, unsupported: new Map(), ms: 0 };
}

function countUnsupported(stats: Stats, construct: string): void {
  stats.unsupported.set(construct, (stats.unsupported.get(construct) ?? 0) + 1);
}

/** Runs the differential test. */
export function runDiff(options: RunOptions): RunResult {
  const started = Date.now();
  const stats = emptyStats();
  const failures: Failure[] = [];
  const perScenario = options.statementsPerScenario ?? 25;
  const maxFailures = options.maxFailures ?? 1;
  const makeSubject = options.makeSubject ?? hearthEngine;
  const progressEvery = options.progressEvery ?? 1000;
  const writes = ['insert', 'insert_or', 'dml'].some((f) => options.features.has(f as Feature));
  literalStyle.invalidUtf8 = options.features.has('invalid_utf8');
  for (let round = options.round ?? 0; stats.statements < options.queries && failures.length < maxFailures; round++) {
    const prng = new Prng(roundSeed(options.seed, round));
    const scenario = randomScenario(prng, options.features);
    const pair = new Pair(scenario, makeSubject);
    stats.scenarios++;
    try {
      for (const construct of pair.unsupported) countUnsupported(stats, construct);
      if (pair.setupMismatch) {
        stats.failed++;
        failures.push({
          seed: options.seed,
          round,
          statement: -1,
          mismatch: pair.setupMismatch.mismatch,
          repro: setupRepro(scenario, pair.setupMismatch.sql),
          original: pair.setupMismatch.sql,
          evaluations: 0,
        });
        continue;
      }
      for (let i = 0; i < perScenario && stats.statements < options.queries && failures.length < maxFailures; i++) {
        const write = writes && prng.chance(0.2) ? randomWrite(prng, options.features, scenario) : null;
        const stmt = write ?? randomSelect(prng, options.features, scenario);
        const result = pair.check(stmt);
        record(stats, stmt, result);
        if (result.verdict.mismatch) failures.push(failureOf(options, makeSubject, scenario, stmt, result, round, i));
        if (options.onProgress && stats.statements % progressEvery === 0) {
          stats.ms = Date.now() - started;
          options.onProgress(stats);
        }
      }
    } finally {
      pair.close();
    }
  }
  stats.ms = Date.now() - started;
  return { stats, failures };
}

function record(stats: Stats, stmt: SqlNode, result: CaseResult): void {
  stats.statements++;
  const outcome = result.unsupported !== null ? 'skipped' : result.verdict.mismatch ? 'failed' : 'passed';
  stats[outcome]++;
  if (result.unsupported !== null) countUnsupported(stats, result.unsupported);
  if (outcome === 'passed' && result.verdict.lenient) stats.lenient++;
  if (outcome === 'passed' && result.sqlite.kind === 'error') stats.bothErrors++;
  for (const f of featuresOf(stmt, new Set())) {
    const c = stats.perFeature.get(f)!;
    c.statements++;
    c[outcome]++;
  }
}

function failureOf(options: RunOptions, makeSubject: () => Engine, scenario: Scenario, stmt: SqlNode, result: CaseResult, round: number, index: number): Failure {
  const mismatch = result.verdict.mismatch!;
  const header = `seed ${options.seed}, round ${round}, statement ${index}: ${mismatch.kind} mismatch`;
  const original = reproScript(scenario, stmt, result, `${header} (as generated)`);
  if (options.reduce === false) return { seed: options.seed, round, statement: index, mismatch, repro: original, original, evaluations: 0 };
  const reduced = reduce(scenario, stmt, mismatch.kind, makeSubject);
  const pair = new Pair(reduced.scenario, makeSubject);
  let again: CaseResult;
  try {
    again = pair.check(reduced.stmt);
  } finally {
    pair.close();
  }
  const repro = reproScript(reduced.scenario, reduced.stmt, again, `${header} (reduced in ${reduced.evaluations} evaluations)`);
  return { seed: options.seed, round, statement: index, mismatch: again.verdict.mismatch ?? mismatch, repro, original, evaluations: reduced.evaluations };
}

/** The setup statements up to the one whose outcome differs. */
function setupRepro(scenario: Scenario, failing: string): string {
  const statements = setupStatements(scenario);
  return ['-- setup statement differs (the last one)', ...statements.slice(0, statements.indexOf(failing) + 1).map((s) => `${s};`)].join('\n');
}

/** A plain-text summary of a run. */
export function summary(result: RunResult): string {
  const s = result.stats;
  const rate = s.ms > 0 ? Math.round((s.statements * 1000) / s.ms) : 0;
  const lines = [
    `statements ${s.statements} in ${s.scenarios} scenarios, ${(s.ms / 1000).toFixed(1)} s (${rate}/s)`,
    `passed ${s.passed} (both failed alike: ${s.bothErrors}; lenient DISTINCT: ${s.lenient}), skipped ${s.skipped}, failed ${s.failed}`,
    'per feature (statements / passed / skipped / failed):',
  ];
  for (const [f, c] of s.perFeature) if (c.statements > 0) lines.push(`  ${f.padEnd(22)} ${c.statements} / ${c.passed} / ${c.skipped} / ${c.failed}`);
  if (s.unsupported.size > 0) {
    lines.push('skipped as "not supported yet" in Hearth:');
    for (const [construct, n] of [...s.unsupported].sort((a, b) => b[1] - a[1])) lines.push(`  ${String(n).padStart(7)}  ${construct}`);
  }
  for (const f of result.failures) lines.push('', `DIFFERENCE (${f.mismatch.kind}) at seed ${f.seed} round ${f.round} statement ${f.statement}:`, f.mismatch.detail, '', f.repro);
  return lines.join('\n');
}
