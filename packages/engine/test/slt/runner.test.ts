// Tests of the sqllogictest runner itself: parsing, value rendering, sorting, hashing, conditions,
// labels, and failure detection. Scripts here are written for these tests (no corpus text); the checks
// against the corpus run only when it is present.

import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';

import { corpusDir, displayName, naturalCompare, resolveUserPath, selectFiles } from './corpus.js';
import { BetterSqlite3Engine, createEngine, engineNameFromEnv } from './engines.js';
import { atoi, parseSlt, tokenize } from './parser.js';
import type { QueryRecord, StatementRecord } from './parser.js';
import { formatReal3, realToText, renderValue, textToInt64, textToReal } from './render.js';
import { failuresJson, fileReport, summaryText } from './report.js';
import { hashLine, hashValues, runSltScript, sortValues } from './runner.js';
import type { FileResult, SltEngine, SltQueryResult } from './runner.js';

/** Runs a script on a fresh in-memory SQLite. */
function runOnSqlite(script: string): FileResult {
  const engine = new BetterSqlite3Engine();
  try {
    return runSltScript(script, 'test.slt', engine);
  } finally {
    engine.close();
  }
}

/** A scripted engine: answers queries from a table of canned results, records statements. */
class FakeEngine implements SltEngine {
  readonly executed: string[] = [];
  constructor(
    readonly name: string,
    private readonly answers: Record<string, SltQueryResult | Error> = {},
  ) {}
  exec(sql: string): void {
    this.executed.push(sql);
    if (sql.startsWith('FAIL')) throw new Error('statement failed on purpose');
  }
  query(sql: string): SltQueryResult {
    this.executed.push(sql);
    const a = this.answers[sql];
    if (a === undefined) throw new Error(`no answer for ${sql}`);
    if (a instanceof Error) throw a;
    return a;
  }
  close(): void {}
}

const lines = (...l: string[]): string => `${l.join('\n')}\n`;

/** A query returning the integers 1..n in order, on one line. */
const series = (n: number): string =>
  `WITH RECURSIVE s(v) AS (SELECT 1 UNION ALL SELECT v+1 FROM s WHERE v<${n}) SELECT v FROM s`;

describe('parser', () => {
  it('reads statement records, with SQL over several lines', () => {
    const records = parseSlt(lines('statement ok', 'CREATE TABLE t1(', '  a INTEGER)', '', 'statement error', 'SELECT nope'));
    expect(records).toHaveLength(2);
    const [a, b] = records as [StatementRecord, StatementRecord];
    expect(a).toMatchObject({ kind: 'statement', expect: 'ok', sql: 'CREATE TABLE t1(\n  a INTEGER)', line: 1 });
    expect(b).toMatchObject({ kind: 'statement', expect: 'error', sql: 'SELECT nope', line: 5 });
  });

  it('reads query records: type string, sort mode, label, SQL and expected results', () => {
    const [q] = parseSlt(lines('query ITR rowsort label-7', 'SELECT 1,', ' 2, 3', '----', '1', 'x y', '3.000')) as [QueryRecord];
    expect(q).toMatchObject({
      kind: 'query',
      types: 'ITR',
      sortMode: 'rowsort',
      label: 'label-7',
      sql: 'SELECT 1,\n 2, 3',
      hasResults: true,
      expected: ['1', 'x y', '3.000'],
      resultsLine: 5,
      line: 1,
    });
  });

  it('takes a query without "----" as expecting no rows, and one with "----" but no lines likewise', () => {
    const [a, b] = parseSlt(lines('query I', 'SELECT 1 WHERE 0', '', 'query I nosort', 'SELECT 2 WHERE 0', '----')) as [
      QueryRecord,
      QueryRecord,
    ];
    expect(a).toMatchObject({ sortMode: '', hasResults: false, expected: [], sql: 'SELECT 1 WHERE 0' });
    expect(b).toMatchObject({ sortMode: 'nosort', hasResults: true, expected: [], sql: 'SELECT 2 WHERE 0' });
  });

  it('removes comment lines everywhere without splitting records; "#" only counts in column one', () => {
    const records = parseSlt(
      lines('# leading comment', 'statement ok', '# inside the record', 'INSERT INTO t VALUES(1)', '# between', '', 'query T', 'SELECT 1', '----', '# in results', ' # not a comment'),
    );
    expect(records).toHaveLength(2);
    expect(records[0]).toMatchObject({ kind: 'statement', sql: 'INSERT INTO t VALUES(1)', line: 2 });
    expect(records[1]).toMatchObject({ kind: 'query', expected: [' # not a comment'], line: 7 });
  });

  it('ends records at blank and white-space-only lines, and drops "\\r" line ends', () => {
    const records = parseSlt('statement ok\r\nSELECT 1\r\n \t \r\nhash-threshold 20\r\n\r\n\r\nhalt\r\n');
    expect(records.map((r) => r.kind)).toEqual(['statement', 'hash-threshold', 'halt']);
    expect(records[0]).toMatchObject({ sql: 'SELECT 1' });
    expect(records[1]).toMatchObject({ threshold: 20, line: 4 });
    expect(records[2]).toMatchObject({ line: 7 });
  });

  it('keeps several conditions in front of a record and gives the record the line after them', () => {
    const [r] = parseSlt(lines('skipif mysql # comment after the name', 'onlyif SQLite', 'query I nosort', 'SELECT 1', '----', '1'));
    expect(r).toMatchObject({
      kind: 'query',
      line: 3,
      conditions: [
        { kind: 'skipif', engine: 'mysql', line: 1 },
        { kind: 'onlyif', engine: 'SQLite', line: 2 },
      ],
    });
  });

  it('reports unknown record types, and conditions followed by nothing', () => {
    const records = parseSlt(lines('frobnicate now', '', 'onlyif sqlite'));
    expect(records[0]).toMatchObject({ kind: 'unknown', token: 'frobnicate' });
    expect(records[1]).toMatchObject({ kind: 'unknown', token: '', conditions: [{ kind: 'onlyif', engine: 'sqlite' }] });
  });

  it('tokenizes like the reference runner: at most four tokens, labels cut to 20 characters', () => {
    expect(tokenize('  query  II\trowsort  label-1 extra')).toEqual(['query', 'II', 'rowsort', 'label-1']);
    const [q] = parseSlt(lines(`query I nosort ${'x'.repeat(30)}`, 'SELECT 1')) as [QueryRecord];
    expect(q.label).toBe('x'.repeat(20));
    expect(atoi(' 12abc')).toBe(12);
    expect(atoi('abc')).toBe(0);
    expect(atoi(undefined)).toBe(0);
  });

  it('parses an empty script as no records', () => {
    expect(parseSlt('')).toEqual([]);
    expect(parseSlt('\n\n# only a comment\n')).toEqual([]);
  });
});

describe('rendering', () => {
  it('renders NULL as "NULL" whatever the column type', () => {
    for (const t of ['I', 'R', 'T'] as const) expect(renderValue(null, t)).toBe('NULL');
  });

  it("renders 'I' like sqlite3_column_int() and printf(\"%d\"): 64-bit conversion, then a 32-bit C int", () => {
    expect(renderValue(42n, 'I')).toBe('42');
    expect(renderValue(-7n, 'I')).toBe('-7');
    expect(renderValue(2147483647n, 'I')).toBe('2147483647');
    expect(renderValue(2147483648n, 'I')).toBe('-2147483648');
    expect(renderValue(4294967297n, 'I')).toBe('1');
    expect(renderValue(3.99, 'I')).toBe('3');
    expect(renderValue(-3.99, 'I')).toBe('-3');
    expect(renderValue(1e20, 'I')).toBe('-1'); // saturates at 2^63-1, whose low 32 bits are all ones
    expect(renderValue(-1e20, 'I')).toBe('0'); // -2^63: low 32 bits zero
    expect(renderValue('12abc', 'I')).toBe('12');
    expect(renderValue('  -34.9', 'I')).toBe('-34');
    expect(renderValue('abc', 'I')).toBe('0');
    expect(renderValue('', 'I')).toBe('0');
    expect(renderValue(new Uint8Array([0x35, 0x36]), 'I')).toBe('56');
    expect(textToInt64('99999999999999999999')).toBe((1n << 63n) - 1n);
    expect(textToInt64('-99999999999999999999')).toBe(-(1n << 63n));
    expect(textToInt64('-9223372036854775808')).toBe(-(1n << 63n));
  });

  it("renders 'R' like sqlite3_column_double() and SQLite's printf(\"%.3f\")", () => {
    expect(renderValue(1n, 'R')).toBe('1.000');
    expect(renderValue(-2.5, 'R')).toBe('-2.500');
    expect(renderValue(1 / 3, 'R')).toBe('0.333');
    expect(renderValue(0.0005, 'R')).toBe('0.001');
    expect(renderValue(2.0005, 'R')).toBe('2.001'); // half-up on SQLite's 18-digit form
    expect(renderValue(-0.0001, 'R')).toBe('-0.000');
    expect(renderValue(-0, 'R')).toBe('0.000');
    expect(renderValue(123456789012345.678, 'R')).toBe('123456789012345.700'); // 16 significant digits
    expect(renderValue(-9223372036854775808n, 'R')).toBe('-9223372036854776000.000');
    expect(renderValue(Infinity, 'R')).toBe('Inf');
    expect(renderValue(-Infinity, 'R')).toBe('-Inf');
    expect(renderValue('1.5x', 'R')).toBe('1.500');
    expect(renderValue('  -.5e1', 'R')).toBe('-5.000');
    expect(renderValue('x', 'R')).toBe('0.000');
    expect(textToReal('1e')).toBe(1);
  });

  it("renders 'T' as text: \"(empty)\" for '', '@' for every byte outside ' '..'~'", () => {
    expect(renderValue('hello world', 'T')).toBe('hello world');
    expect(renderValue('', 'T')).toBe('(empty)');
    expect(renderValue('a\tb\nc\x7f', 'T')).toBe('a@b@c@');
    expect(renderValue('é', 'T')).toBe('@@'); // two UTF-8 bytes
    expect(renderValue('ab\0cd', 'T')).toBe('ab'); // a C string ends at NUL
    expect(renderValue('\0x', 'T')).toBe('(empty)');
    expect(renderValue(new Uint8Array([0x41, 0x00, 0x42]), 'T')).toBe('A');
    expect(renderValue(new Uint8Array([0x41, 0xff]), 'T')).toBe('A@');
    expect(renderValue(new Uint8Array([]), 'T')).toBe('(empty)');
    expect(renderValue(12n, 'T')).toBe('12');
    expect(renderValue(-9223372036854775808n, 'T')).toBe('-9223372036854775808');
    expect(renderValue(1, 'T')).toBe('1.0'); // a number is a REAL
    expect(renderValue(0.1, 'T')).toBe('0.1');
    expect(renderValue(0.1 + 0.2, 'T')).toBe('0.30000000000000004');
    expect(renderValue(1 / 3, 'T')).toBe('0.33333333333333332');
    expect(renderValue(1e20, 'T')).toBe('1.0e+20');
    expect(renderValue(1.5e-7, 'T')).toBe('1.5e-07');
    expect(renderValue(1e16, 'T')).toBe('10000000000000000.0');
    expect(renderValue(-0, 'T')).toBe('0.0');
  });

  it('agrees with SQLite on REAL to text and printf("%.3f") for many values', () => {
    const db = new Database(':memory:');
    const stmt = db.prepare("SELECT printf('%.3f', ?) AS f, CAST(? AS TEXT) AS t");
    const view = new DataView(new ArrayBuffer(8));
    let seed = 12345;
    const rand = (): number => {
      // xorshift32: deterministic
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) / 2 ** 32;
    };
    const mismatches: string[] = [];
    for (let i = 0; i < 30000; i++) {
      let x: number;
      switch (i % 5) {
        case 0:
          view.setUint32(0, Math.floor(rand() * 2 ** 32));
          view.setUint32(4, Math.floor(rand() * 2 ** 32));
          x = view.getFloat64(0);
          break;
        case 1:
          x = Math.round((rand() - 0.5) * 2e7) / 2000; // many ties at the third decimal
          break;
        case 2:
          x = (rand() - 0.5) * 10 ** Math.floor(rand() * 40 - 10);
          break;
        case 3:
          x = Math.round(rand() * 1e6) / 10 ** Math.floor(rand() * 8);
          break;
        default:
          x = Number((rand() * 1000).toFixed(Math.floor(rand() * 5)));
      }
      if (!Number.isFinite(x)) continue;
      const row = stmt.get(x, x) as { f: string; t: string };
      const f = formatReal3(x);
      const t = realToText(x);
      if (f !== row.f || t !== row.t) mismatches.push(`${x}: printf ${row.f} vs ${f}, text ${row.t} vs ${t}`);
    }
    db.close();
    expect(mismatches.slice(0, 10)).toEqual([]);
  });
});

describe('sorting and hashing', () => {
  it('rowsort orders rows by strcmp() of their rendered values, column by column', () => {
    const values = ['9', 'b', '10', 'a', '10', '', 'NULL', 'z', '-1', 'q'];
    expect(sortValues(values, 'rowsort', 2)).toEqual(['-1', 'q', '10', '', '10', 'a', '9', 'b', 'NULL', 'z']);
    // A value that is a prefix of another sorts first, whatever follows in the row.
    expect(sortValues(['ab', '1', 'a', '9'], 'rowsort', 2)).toEqual(['a', '9', 'ab', '1']);
    expect(sortValues(['3', '1', '2'], 'rowsort', 1)).toEqual(['1', '2', '3']);
  });

  it('valuesort orders every value on its own; nosort keeps the engine order', () => {
    expect(sortValues(['b', '2', 'a', '1'], 'valuesort', 2)).toEqual(['1', '2', 'a', 'b']);
    expect(sortValues(['b', '2', 'a', '1'], 'nosort', 2)).toEqual(['b', '2', 'a', '1']);
  });

  it('hashes the values each followed by "\\n" with md5 (checked against md5sum)', () => {
    const nine = ['1', '2', '3', '4', '5', '6', '7', '8', '9'];
    expect(hashValues(nine)).toBe('22e400a2ddbb013acf2a5852d6ab69fc');
    expect(hashLine(nine)).toBe('9 values hashing to 22e400a2ddbb013acf2a5852d6ab69fc');
    expect(hashValues([])).toBe('d41d8cd98f00b204e9800998ecf8427e');
    expect(hashValues(['NULL', '(empty)'])).toBe('14ad0be6c1ebb606277cbbb8e0bcc287');
    // Larger than one internal chunk.
    const many = Array.from({ length: 10000 }, (_, i) => String(i));
    expect(hashValues(many)).toBe(hashValues([...many.slice(0, 4095), ...many.slice(4095)]));
  });
});

describe('running scripts', () => {
  it('passes statements and queries that match, and counts them', () => {
    const r = runOnSqlite(
      lines(
        'hash-threshold 0',
        '',
        'statement ok',
        'CREATE TABLE t1(a INTEGER, b TEXT, c REAL)',
        '',
        'statement ok',
        "INSERT INTO t1 VALUES(1,'x',1.5),(2,'',NULL),(3,NULL,-0.25)",
        '',
        'statement error',
        'INSERT INTO nowhere VALUES(1)',
        '',
        'query ITR nosort',
        'SELECT a, b, c FROM t1 ORDER BY a',
        '----',
        '1',
        'x',
        '1.500',
        '2',
        '(empty)',
        'NULL',
        '3',
        'NULL',
        '-0.250',
      ),
    );
    expect(r).toMatchObject({ records: 4, run: 4, passed: 4, failed: 0, skipped: 0, halted: false, failures: [] });
  });

  it('fails a query whose expected result is wrong, and reports expected and actual', () => {
    const r = runOnSqlite(lines('query I nosort', 'SELECT 1 UNION ALL SELECT 2', '----', '1', '3'));
    expect(r.failed).toBe(1);
    expect(r.failures[0]).toMatchObject({ line: 1, kind: 'result', message: 'wrong result', expected: ['1', '3'], actual: ['1', '2'] });
  });

  it('requires the number of values to match (fewer or more rows fail)', () => {
    const fewer = runOnSqlite(lines('query I nosort', 'SELECT 1', '----', '1', '2'));
    const more = runOnSqlite(lines('query I nosort', 'SELECT 1 UNION ALL SELECT 2', '----', '1'));
    const noSeparator = runOnSqlite(lines('query I nosort', 'SELECT 1'));
    expect([fewer.failed, more.failed, noSeparator.failed]).toEqual([1, 1, 1]);
    expect(runOnSqlite(lines('query I nosort', 'SELECT 1 WHERE 0')).failed).toBe(0);
  });

  it('fails statement ok that errors and statement error that succeeds; any error satisfies statement error', () => {
    const r = runOnSqlite(lines('statement ok', 'CREATE TABLE', '', 'statement error', 'SELECT 1', '', 'statement error', 'CREATE TABLE'));
    expect(r).toMatchObject({ run: 3, passed: 1, failed: 2 });
    expect(r.failures.map((f) => f.line)).toEqual([1, 4]);
    expect(r.failures[0]!.message).toMatch(/^statement failed: /);
  });

  it('compares by hash above the hash threshold (default 8 values), by values at or below it', () => {
    const nine = series(9);
    const eight = series(8);
    const ok = runOnSqlite(
      lines('query I nosort', nine, '----', '9 values hashing to 22e400a2ddbb013acf2a5852d6ab69fc', '', 'query I nosort', eight, '----', '1', '2', '3', '4', '5', '6', '7', '8'),
    );
    expect(ok).toMatchObject({ passed: 2, failed: 0 });
    const listed = runOnSqlite(lines('query I nosort', nine, '----', '1', '2', '3', '4', '5', '6', '7', '8', '9'));
    expect(listed.failures[0]).toMatchObject({ kind: 'result', message: 'wrong result hash', actual: ['9 values hashing to 22e400a2ddbb013acf2a5852d6ab69fc'] });
    expect(listed.failures[0]!.actualValues).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9']);
  });

  it('follows hash-threshold records: 0 turns hashing off, N sets the limit', () => {
    const values = Array.from({ length: 9 }, (_, i) => String(i + 1));
    const nine = series(9);
    expect(runOnSqlite(lines('hash-threshold 0', '', 'query I nosort', nine, '----', ...values)).failed).toBe(0);
    expect(runOnSqlite(lines('hash-threshold 100', '', 'query I nosort', nine, '----', ...values)).failed).toBe(0);
    expect(runOnSqlite(lines('hash-threshold 3', '', 'query I nosort', 'SELECT 1,2,3,4', '----', '1', '2', '3', '4')).failed).toBe(1);
    expect(runOnSqlite(lines('hash-threshold 3', '', 'query IIII nosort', 'SELECT 1,2,3,4', '----', hashLine(['1', '2', '3', '4']))).failed).toBe(0);
  });

  it('sorts before comparing: rowsort and valuesort', () => {
    const sql = 'SELECT * FROM (VALUES(10,2),(9,1),(10,1))';
    expect(runOnSqlite(lines('query II rowsort', sql, '----', '10', '1', '10', '2', '9', '1')).failed).toBe(0);
    expect(runOnSqlite(lines('query II valuesort', sql, '----', '1', '1', '10', '10', '2', '9')).failed).toBe(0);
    expect(runOnSqlite(lines('query II nosort', sql, '----', '10', '1', '10', '2', '9', '1')).failed).toBe(1);
  });

  it('skips records by skipif/onlyif for the engine name, case-insensitively, with several conditions', () => {
    const script = lines(
      'skipif sqlite',
      'statement ok',
      'THIS IS NOT SQL',
      '',
      'onlyif mysql',
      'query I nosort',
      'SELECT 1',
      '----',
      '2',
      '',
      'onlyif SQLite',
      'query I nosort',
      'SELECT 3',
      '----',
      '3',
      '',
      'skipif mysql',
      'skipif postgresql',
      'query I nosort',
      'SELECT 4',
      '----',
      '4',
      '',
      'skipif mysql',
      'onlyif mssql',
      'statement ok',
      'ALSO NOT SQL',
    );
    const r = runOnSqlite(script);
    expect(r).toMatchObject({ records: 5, run: 2, passed: 2, skipped: 3, failed: 0 });
    const mysql = new FakeEngine('mysql', { 'SELECT 1': { rows: [[2n]] } });
    const m = runSltScript(script, 'x', mysql);
    // For an engine called mysql the first record runs, and the queries meant for others are skipped.
    expect(m).toMatchObject({ records: 5, run: 2, passed: 2, skipped: 3, failed: 0 }); // the fake accepts any statement
    expect(mysql.executed).toEqual(['THIS IS NOT SQL', 'SELECT 1']);
  });

  it('stops at halt (unless a condition skips it)', () => {
    const r = runOnSqlite(lines('onlyif mysql', 'halt', '', 'statement ok', 'SELECT 1', '', 'halt', '', 'statement ok', 'NOT SQL'));
    expect(r).toMatchObject({ records: 1, run: 1, passed: 1, failed: 0, halted: true });
  });

  it('checks labels: records of one label must agree, skipped ones included', () => {
    const agree = lines(
      'query I nosort label-1',
      'SELECT 1',
      '----',
      '1',
      '',
      'onlyif mysql',
      'query I nosort label-1',
      'SELECT 1 FROM dual',
      '----',
      '1',
      '',
      'query I nosort label-1',
      'SELECT 0+1',
      '----',
      '1',
    );
    expect(runOnSqlite(agree)).toMatchObject({ run: 2, passed: 2, skipped: 1, failed: 0 });

    const skippedDisagrees = lines('query I nosort label-1', 'SELECT 1', '----', '1', '', 'onlyif mysql', 'query I nosort label-1', 'SELECT 2 FROM dual', '----', '2');
    const r1 = runOnSqlite(skippedDisagrees);
    expect(r1).toMatchObject({ records: 2, run: 2, skipped: 0, failed: 1 });
    expect(r1.failures[0]).toMatchObject({ kind: 'label', line: 7 });

    const executedDisagrees = lines('query I nosort label-1', 'SELECT 1', '----', '1', '', 'query I nosort label-1', 'SELECT 2', '----', '2');
    expect(runOnSqlite(executedDisagrees).failures[0]).toMatchObject({ kind: 'label', line: 6 });

    // A skipped record's hashed expected result counts by its hash.
    const hashed = lines(
      'query I nosort label-9',
      series(9),
      '----',
      '9 values hashing to 22e400a2ddbb013acf2a5852d6ab69fc',
      '',
      'skipif sqlite',
      'query I nosort label-9',
      'SELECT whatever',
      '----',
      '9 values hashing to 22e400a2ddbb013acf2a5852d6ab69fc',
    );
    expect(runOnSqlite(hashed)).toMatchObject({ passed: 1, skipped: 1, failed: 0 });
  });

  it('reports malformed records: bad type string, sort mode, statement argument; unknown records stop', () => {
    const r = runOnSqlite(
      lines(
        'query IX nosort',
        'SELECT 1, 2',
        '',
        'query I sideways',
        'SELECT 1',
        '----',
        '1',
        '',
        'statement maybe',
        'SELECT 1',
        '',
        'bogus record',
        '',
        'statement ok',
        'SELECT 1',
      ),
    );
    expect(r.failures.map((f) => [f.line, f.kind])).toEqual([
      [1, 'script'],
      [4, 'script'],
      [9, 'script'],
      [12, 'script'],
    ]);
    expect(r).toMatchObject({ records: 3, run: 3, failed: 4, halted: true });
    const missingTypes = runOnSqlite(lines('query', 'SELECT 1', '', 'statement ok', 'SELECT 1'));
    expect(missingTypes).toMatchObject({ records: 1, failed: 1, halted: true });
  });

  it('fails a query with the wrong number of result columns, even with no rows', () => {
    expect(runOnSqlite(lines('query II nosort', 'SELECT 1', '----', '1')).failures[0]).toMatchObject({ kind: 'columns' });
    expect(runOnSqlite(lines('query II nosort', 'SELECT 1 WHERE 0')).failures[0]).toMatchObject({ kind: 'columns' });
    expect(runOnSqlite(lines('query I nosort', 'CREATE TABLE t(x)')).failures[0]).toMatchObject({ kind: 'columns' });
  });

  it('fails a query that cannot be prepared', () => {
    expect(runOnSqlite(lines('query I nosort', 'SELECT nope FROM nowhere')).failures[0]).toMatchObject({ kind: 'query-error' });
  });

  it('takes the rows produced before an error while stepping, as the reference runner does', () => {
    const setup = lines('statement ok', 'CREATE TABLE t(x INTEGER)', '', 'statement ok', 'INSERT INTO t VALUES(9223372036854775807),(1)', '');
    expect(runOnSqlite(setup + lines('query I nosort', 'SELECT sum(x) FROM t', '----'))).toMatchObject({ failed: 0 });
    const r = runOnSqlite(setup + lines('query I nosort', 'SELECT sum(x) FROM t', '----', '0'));
    expect(r.failures[0]!.message).toMatch(/integer overflow/);
  });

  it('runs against a scripted engine through the SltEngine interface', () => {
    const engine = new FakeEngine('sqlite', {
      'SELECT a': { types: 'I', rows: [[1n], [null]] },
      'SELECT b': new Error('boom'),
      'SELECT c': { types: 'II', rows: [] },
    });
    const r = runSltScript(
      lines('statement ok', 'FAIL here', '', 'query I nosort', 'SELECT a', '----', '1', 'NULL', '', 'query I nosort', 'SELECT b', '', 'query I nosort', 'SELECT c'),
      'fake.test',
      engine,
    );
    expect(r.failures.map((f) => [f.line, f.kind])).toEqual([
      [1, 'statement'],
      [10, 'query-error'],
      [13, 'columns'],
    ]);
    expect(r).toMatchObject({ run: 4, passed: 1, failed: 3 });
  });

  it('keeps details of the first failures only, but counts all', () => {
    const script = Array.from({ length: 30 }, () => lines('statement ok', 'NOT SQL')).join('\n');
    const engine = new BetterSqlite3Engine();
    const r = runSltScript(script, 'x', engine, { maxFailureDetails: 3 });
    engine.close();
    expect(r.failed).toBe(30);
    expect(r.failures).toHaveLength(3);
  });
});

describe('engines', () => {
  it('chooses the engine from HEARTH_SLT_ENGINE (default hearth)', () => {
    expect(engineNameFromEnv({})).toBe('hearth');
    expect(engineNameFromEnv({ HEARTH_SLT_ENGINE: 'SQLite' })).toBe('sqlite');
    expect(() => engineNameFromEnv({ HEARTH_SLT_ENGINE: 'postgres' })).toThrow(/HEARTH_SLT_ENGINE/);
  });

  it('keeps the rows Hearth produced before an error while stepping', () => {
    const e = createEngine('hearth');
    e.exec('CREATE TABLE t(x INTEGER); INSERT INTO t VALUES (1), (-9223372036854775808), (2)');
    const r = e.query('SELECT abs(x) FROM t');
    e.close();
    expect(r.rows).toEqual([[1n]]);
    expect(r.stepError).toBe('integer overflow');
  });

  it('drives Hearth: INTEGER as bigint (beyond 2^53 too), REAL as number, BLOB as bytes', () => {
    const e = createEngine('hearth');
    e.exec('CREATE TABLE t(a INTEGER, b TEXT)');
    const r = e.query("SELECT 9007199254740993, 1.5, 'x', x'00ff', NULL");
    const t = e.query('SELECT a, b FROM t');
    e.close();
    expect(r.rows).toEqual([[9007199254740993n, 1.5, 'x', new Uint8Array([0, 255]), null]]);
    expect(r.types).toHaveLength(5);
    expect(t).toEqual({ types: 'IT', rows: [] });
  });

  it('returns INTEGER as bigint (beyond 2^53 too), REAL as number, BLOB as bytes from SQLite', () => {
    const e = createEngine('sqlite');
    const r = e.query("SELECT 9007199254740993, 1.5, 'x', x'00ff', NULL");
    e.close();
    expect(r.rows).toEqual([[9007199254740993n, 1.5, 'x', Buffer.from([0, 255]), null]]);
    expect(r.types).toHaveLength(5);
  });
});

describe('corpus selection and reports', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'hearth-slt-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('skips with a message when the corpus is absent', () => {
    const s = selectFiles({ HEARTH_SLT_CORPUS: join(scratch, 'missing') });
    expect(s.kind).toBe('skip');
    if (s.kind === 'skip') expect(s.reason).toMatch(/not at .*missing/);
  });

  it('takes explicit files and directories, in natural order', () => {
    writeFileSync(join(scratch, 'b10.test'), lines('statement ok', 'SELECT 1'));
    writeFileSync(join(scratch, 'b2.test'), lines('statement ok', 'SELECT 1'));
    writeFileSync(join(scratch, 'notes.txt'), 'not a script');
    const s = selectFiles({ HEARTH_SLT_CORPUS: scratch, HEARTH_SLT_PATHS: scratch });
    expect(s.kind === 'paths' && s.files.map((f) => f.name)).toEqual(['b2.test', 'b10.test']);
    expect(resolveUserPath('b2.test', scratch, { HEARTH_SLT_CWD: scratch })).toBe(join(scratch, 'b2.test'));
    expect(() => resolveUserPath('nope.test', scratch, {})).toThrow(/no such file/);
    expect(naturalCompare('slt_good_2.test', 'slt_good_10.test')).toBeLessThan(0);
    expect(displayName(join(scratch, 'sub', 'x.test'), scratch)).toBe('sub/x.test');
  });

  it('reports per script, per directory, and as JSON', () => {
    const r = runOnSqlite(lines('query I nosort', 'SELECT 1', '----', '2'));
    r.file = 'dir/a.test';
    const text = fileReport(r, 5);
    expect(text).toContain('slt FAIL dir/a.test: records 1, run 1, passed 0, failed 1, skipped 0');
    expect(text).toContain('test.slt:1: wrong result');
    const summary = summaryText([r], 'sqlite');
    expect(summary).toMatch(/^dir\s+1\s+1\s+1\s+0\s+1\s+0/m);
    expect(summary).toContain('FAILED');
    // The total line must not look like a test runner's "N passed, N failed" closing line.
    expect(summary).not.toMatch(/^\S*:?\s*\d+ passed, \d+ failed/m);
    const json = JSON.parse(failuresJson([r], 'sqlite', '/corpus')) as { failures: unknown[]; total: { failed: number } };
    expect(json.total.failed).toBe(1);
    expect(json.failures).toHaveLength(1);
  });
});

// Checks against the corpus (skipped without it): the hashes written in the corpus are reproduced.
const corpus = corpusDir();
const hasCorpus = existsSync(join(corpus, 'select1.test'));
describe.skipIf(!hasCorpus)('against the corpus', () => {
  const hashedRecords = (script: string, mode: string): QueryRecord[] =>
    parseSlt(script).filter(
      (r): r is QueryRecord => r.kind === 'query' && (r.sortMode || 'nosort') === mode && /values hashing to/.test(r.expected[0] ?? ''),
    );

  it.each([
    ['select1.test', 'nosort'],
    ['select2.test', 'rowsort'],
    ['select5.test', 'valuesort'],
  ])('reproduces every hash of %s (%s results)', (file, mode) => {
    const script = readFileSync(join(corpus, file), 'utf8');
    expect(hashedRecords(script, mode).length).toBeGreaterThan(100);
    expect(runOnSqlite(script)).toMatchObject({ failed: 0 });
  });

  it('fails the one record whose corpus hash is altered', () => {
    const script = readFileSync(join(corpus, 'select1.test'), 'utf8');
    const target = hashedRecords(script, 'nosort')[10]!;
    const altered = script
      .split('\n')
      .map((l, i) => (i + 1 === target.resultsLine ? l.replace(/[0-9a-f]$/, (c) => (c === '0' ? '1' : '0')) : l))
      .join('\n');
    const r = runOnSqlite(altered);
    expect(r.failed).toBe(1);
    expect(r.failures[0]).toMatchObject({ line: target.line, kind: 'result', message: 'wrong result hash' });
  });
});
