// sqllogictest runner: runs parsed scripts against a pluggable engine and checks the results the way
// the reference runner (sqllogictest.c in -verify mode, with its SQLite interface) does, with two
// deliberate differences, both stricter:
//   - the number of result values must match the number of expected lines (the reference runner stops
//     comparing at whichever list ends first, and does not look at results at all when a query record
//     has no "----" line);
//   - labels are checked on the expected results written in the script (every record of a label must
//     agree with the label's first record); each executed record is also checked against its own
//     expected results, so an engine's wrong answer fails once, not once per later record of the label.

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

import { parseSlt } from './parser.js';
import type { QueryRecord, SltRecord, StatementRecord } from './parser.js';
import { renderValue } from './render.js';
import type { SltTypeChar, SltValue } from './render.js';

/** A database engine under test. Each script runs on a fresh engine (an empty database). */
export interface SltEngine {
  /** Name matched (case-insensitively) by "skipif"/"onlyif"; "sqlite" for SQLite-compatible engines. */
  name: string;
  /** Runs one SQL statement; throws on error. */
  exec(sql: string): void;
  /**
   * Runs a query and returns its rows. Values: null (NULL), bigint (INTEGER), number (REAL), string
   * (TEXT), Uint8Array (BLOB); integers must be bigint, since a number is rendered as a REAL.
   * `types`, when given, has one character per result column; the runner uses its length as the
   * number of result columns (which rows cannot tell when there are none). Throws on error.
   *
   * An engine that can tell an error raised while rows were being produced (after the statement was
   * prepared) from one raised while preparing it may return the rows produced so far with the message
   * in `stepError` instead of throwing: the reference runner's SQLite interface stops reading rows at
   * such an error without reporting it, and the corpus's expected results were recorded that way
   * (e.g. a sum() overflowing "integer overflow" expects an empty result).
   */
  query(sql: string): SltQueryResult;
  close(): void;
}

/** What SltEngine.query() returns. */
export interface SltQueryResult {
  types?: string;
  rows: unknown[][];
  stepError?: string;
}

/** The hash threshold a script starts with (the reference runner's default). */
export const DEFAULT_HASH_THRESHOLD = 8;

export interface RunOptions {
  /** How many failures to keep with full details per script (all are counted). Default 10. */
  maxFailureDetails?: number;
  /** Overrides every "hash-threshold" record (like the reference runner's -ht option). */
  hashThreshold?: number;
}

export type FailureKind =
  | 'statement' // statement ok failed, or statement error succeeded
  | 'query-error' // the query raised an error
  | 'columns' // wrong number of result columns
  | 'result' // wrong values
  | 'label' // a labelled result disagrees with an earlier record of the same label
  | 'script'; // malformed record (bad type string, sort mode, statement argument, unknown record)

export interface SltFailure {
  file: string;
  /** Line of the record's first line (after its conditions). */
  line: number;
  kind: FailureKind;
  sql: string;
  message: string;
  /** Expected result lines as written in the script. */
  expected?: string[];
  /** The engine's results rendered as the script writes them (a hash line when over the threshold). */
  actual?: string[];
  /** The rendered result values before hashing, when hashing hid them (first 50). */
  actualValues?: string[];
}

export interface FileResult {
  file: string;
  /** Statement and query records met (up to a "halt"). */
  records: number;
  /** Records executed (records - skipped, plus skipped labelled queries whose label check failed). */
  run: number;
  passed: number;
  failed: number;
  /** Records skipped by skipif/onlyif. */
  skipped: number;
  /** The script stopped early: a "halt" record, or an unknown record type (a failure). */
  halted: boolean;
  durationMs: number;
  /** The first failures, with details (at most maxFailureDetails). */
  failures: SltFailure[];
}

/** md5 (hex) of the values, each followed by "\n", as sqllogictest hashes result sets. */
export function hashValues(values: readonly string[]): string {
  const md5 = createHash('md5');
  const chunk = 4096;
  for (let i = 0; i < values.length; i += chunk) {
    md5.update(`${values.slice(i, i + chunk).join('\n')}\n`, 'utf8');
  }
  return md5.digest('hex');
}

/** The line that stands for a hashed result: "<N> values hashing to <md5>". */
export function hashLine(values: readonly string[]): string {
  return `${values.length} values hashing to ${hashValues(values)}`;
}

const HASH_LINE = /^\s*[+-]?\d+ values hashing to (\S{1,32})/;

/** strcmp() on the rendered values (all ASCII, so UTF-16 order is byte order). */
function strcmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Sorts rendered values as rowsort (rows of `columns` values) or valuesort does. */
export function sortValues(values: string[], mode: string, columns: number): string[] {
  if (mode === 'valuesort' || (mode === 'rowsort' && columns === 1)) return [...values].sort(strcmp);
  if (mode !== 'rowsort' || columns <= 0) return values;
  // Rendered values are printable ASCII (text values have every other byte replaced by '@'), so
  // joining a row's values with "\x01" gives keys whose string order is the column-by-column strcmp()
  // order: where one value is a prefix of the other, the shorter one meets "\x01", lower than any
  // printable character.
  const keys: string[] = [];
  for (let i = 0; i < values.length; i += columns) keys.push(values.slice(i, i + columns).join('\x01'));
  keys.sort(strcmp);
  const out: string[] = [];
  for (const k of keys) out.push(...k.split('\x01'));
  return out;
}

/** Renders a result set by the type string: one string per value, row after row. */
export function renderRows(rows: unknown[][], types: string): string[] {
  const out: string[] = [];
  for (const row of rows) {
    for (let c = 0; c < types.length; c++) out.push(renderValue(row[c] as SltValue, types[c] as SltTypeChar));
  }
  return out;
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Whether the engine named `engine` skips a record with these conditions. */
export function isSkipped(record: SltRecord, engine: string): boolean {
  const name = engine.toLowerCase();
  let skip = false;
  for (const c of record.conditions) {
    const match = c.engine.toLowerCase() === name;
    if (c.kind === 'skipif' ? match : !match) skip = true;
  }
  return skip;
}

/** Runs one parsed script on an engine. */
export class ScriptRun {
  readonly result: FileResult;
  private hashThreshold: number;
  private readonly labels = new Map<string, string>();
  private readonly maxDetails: number;

  constructor(
    private readonly file: string,
    private readonly engine: SltEngine,
    private readonly options: RunOptions = {},
  ) {
    this.hashThreshold = options.hashThreshold ?? DEFAULT_HASH_THRESHOLD;
    this.maxDetails = options.maxFailureDetails ?? 10;
    this.result = {
      file,
      records: 0,
      run: 0,
      passed: 0,
      failed: 0,
      skipped: 0,
      halted: false,
      durationMs: 0,
      failures: [],
    };
  }

  run(records: readonly SltRecord[]): FileResult {
    const start = performance.now();
    for (const record of records) {
      if (!this.step(record)) {
        this.result.halted = true;
        break;
      }
    }
    this.result.durationMs = performance.now() - start;
    return this.result;
  }

  /** Runs one record; false stops the script. */
  private step(record: SltRecord): boolean {
    const counted = record.kind === 'statement' || record.kind === 'query';
    if (counted) this.result.records++;
    if (isSkipped(record, this.engine.name)) {
      if (record.kind === 'query' && record.label !== '' && record.expected.length > 0) {
        // The reference runner still checks a skipped labelled query's expected results against
        // the label's other records.
        const failure = this.checkLabel(record, expectedHash(record));
        if (failure) {
          this.result.run++;
          this.fail(failure);
          return true;
        }
      }
      if (counted) this.result.skipped++;
      return true;
    }
    switch (record.kind) {
      case 'statement':
        this.result.run++;
        this.runStatement(record);
        return true;
      case 'query':
        this.result.run++;
        return this.runQuery(record);
      case 'hash-threshold':
        if (this.options.hashThreshold === undefined) this.hashThreshold = record.threshold;
        return true;
      case 'halt':
        return false;
      case 'unknown':
        this.fail({
          file: this.file,
          line: record.line,
          kind: 'script',
          sql: '',
          message: `unknown record type '${record.token}' (the script stops here)`,
        });
        return false;
    }
  }

  private fail(failure: SltFailure): void {
    this.result.failed++;
    if (this.result.failures.length < this.maxDetails) this.result.failures.push(failure);
  }

  private runStatement(record: StatementRecord): void {
    let error: string | null = null;
    try {
      this.engine.exec(record.sql);
    } catch (e) {
      error = errorMessage(e);
    }
    const base = { file: this.file, line: record.line, sql: record.sql };
    if (record.expect !== 'ok' && record.expect !== 'error') {
      this.fail({ ...base, kind: 'script', message: `statement argument should be 'ok' or 'error', not '${record.expect}'` });
    } else if (record.expect === 'ok' && error !== null) {
      this.fail({ ...base, kind: 'statement', message: `statement failed: ${error}` });
    } else if (record.expect === 'error' && error === null) {
      this.fail({ ...base, kind: 'statement', message: 'statement succeeded but an error was expected' });
    } else {
      this.result.passed++;
    }
  }

  /** Returns false when the script must stop (a query record without a type string). */
  private runQuery(record: QueryRecord): boolean {
    const base = { file: this.file, line: record.line, sql: record.sql };
    if (record.types === '') {
      this.fail({ ...base, kind: 'script', message: 'missing type string (the script stops here)' });
      return false;
    }
    const badType = /[^TIR]/.exec(record.types);
    if (badType) {
      this.fail({ ...base, kind: 'script', message: `unknown type character '${badType[0]}' in type string` });
      return true;
    }
    const mode = record.sortMode === '' ? 'nosort' : record.sortMode;
    if (mode !== 'nosort' && mode !== 'rowsort' && mode !== 'valuesort') {
      this.fail({ ...base, kind: 'script', message: `unknown sort method '${record.sortMode}'` });
      return true;
    }

    let result: SltQueryResult;
    try {
      result = this.engine.query(record.sql);
    } catch (e) {
      this.fail({ ...base, kind: 'query-error', message: `query failed: ${errorMessage(e)}`, expected: record.expected });
      return true;
    }
    const columns = record.types.length;
    const reported = result.types !== undefined ? result.types.length : undefined;
    const badRow = result.rows.find((r) => r.length !== columns);
    if ((reported !== undefined && reported !== columns) || badRow) {
      const got = reported ?? badRow!.length;
      this.fail({
        ...base,
        kind: 'columns',
        message: `wrong number of result columns: expected ${columns} but got ${got}`,
        expected: record.expected,
      });
      return true;
    }

    const values = sortValues(renderRows(result.rows, record.types), mode, columns);
    const hashed = this.hashThreshold > 0 && values.length > this.hashThreshold;
    const actual = hashed ? [hashLine(values)] : values;
    if (!sameLines(actual, record.expected)) {
      const after = result.stepError !== undefined ? ` (the query stopped on an error: ${result.stepError})` : '';
      this.fail({
        ...base,
        kind: 'result',
        message: (hashed ? 'wrong result hash' : 'wrong result') + after,
        expected: record.expected,
        actual,
        ...(hashed ? { actualValues: values.slice(0, 50) } : {}),
      });
      return true;
    }
    if (record.label !== '') {
      const failure = this.checkLabel(record, hashValues(values));
      if (failure) {
        this.fail(failure);
        return true;
      }
    }
    this.result.passed++;
    return true;
  }

  /** Records the label's hash on first sight; afterwards reports a disagreement as a failure. */
  private checkLabel(record: QueryRecord, hash: string): SltFailure | null {
    const known = this.labels.get(record.label);
    if (known === undefined) {
      this.labels.set(record.label, hash);
      return null;
    }
    if (known === hash) return null;
    return {
      file: this.file,
      line: record.line,
      kind: 'label',
      sql: record.sql,
      message: `labeled result [${record.label}] does not agree with previous values (hash ${hash}, label's first record ${known})`,
      expected: record.expected,
    };
  }
}

/** The md5 a labelled record's expected results stand for. */
function expectedHash(record: QueryRecord): string {
  if (record.expected.length > 0) {
    const m = HASH_LINE.exec(record.expected[0]!);
    if (m) return m[1]!;
  }
  return hashValues(record.expected);
}

function sameLines(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Runs a script given as text. */
export function runSltScript(script: string, file: string, engine: SltEngine, options: RunOptions = {}): FileResult {
  return new ScriptRun(file, engine, options).run(parseSlt(script));
}

/** Runs a script file on a fresh engine from `createEngine`, closing the engine afterwards. */
export function runSltFile(
  path: string,
  createEngine: () => SltEngine,
  options: RunOptions = {},
  displayName: string = path,
): FileResult {
  const script = readFileSync(path, 'utf8');
  const engine = createEngine();
  try {
    return runSltScript(script, displayName, engine, options);
  } finally {
    engine.close();
  }
}
