// Differential tests of the date and time functions against SQLite (better-sqlite3): grids of time
// values × modifiers through every function, modifier chains, every strftime substitution, ISO weeks,
// timediff, seeded random instants and shifts, and the statement clock behind 'now'.
import { afterAll, describe, expect, test } from 'vitest';
import { type Outcome, QueryPair } from '../../test/support/query-oracle.js';
import { Prng } from '../../test/support/prng.js';

const pair = new QueryPair('CREATE TABLE t(x)');
afterAll(() => pair.close());

/** A SQL literal for `v`: strings quoted, numbers as written, null as NULL; "sql:EXPR" is EXPR itself. */
function lit(v: string | number | null): string {
  if (v === null) return 'NULL';
  if (typeof v === 'number') return String(v);
  if (v.startsWith('sql:')) return v.slice(4);
  return `'${v.replace(/'/g, "''")}'`;
}

/** A VALUES table `name(k, v)` of the items, numbered from 0. */
function valuesTable(name: string, items: readonly (string | number | null)[]): string {
  return `${name}(k, v) AS (VALUES ${items.map((v, i) => `(${i}, ${lit(v)})`).join(', ')})`;
}

/**
 * Runs `sql` (whose rows are ordered) on both engines and returns the rows that differ, at most 20,
 * each as "sqlite | hearth"; fails if either side errs or returns no rows.
 */
function mismatches(sql: string): string[] {
  const [h, o]: [Outcome, Outcome] = pair.run(sql);
  expect(o.error).toBeUndefined();
  expect(h.error).toBeUndefined();
  expect(o.rows!.length).toBeGreaterThan(0);
  expect(h.rows!.length).toBe(o.rows!.length);
  const bad: string[] = [];
  for (let i = 0; i < o.rows!.length && bad.length < 20; i++) {
    const a = o.rows![i]!.join(' ; ');
    const b = h.rows![i]!.join(' ; ');
    if (a !== b) bad.push(`${a}  |  ${b}`);
  }
  return bad;
}

const FORMAT = '%d|%e|%f|%F|%G|%g|%H|%k|%I|%l|%j|%J|%m|%M|%p|%P|%R|%s|%S|%T|%u|%w|%U|%V|%W|%Y|%%';

/** Every function on `args` (SQL text of the argument list). */
function allFunctions(args: string): string {
  return [
    `date(${args})`,
    `time(${args})`,
    `datetime(${args})`,
    `julianday(${args})`,
    `unixepoch(${args})`,
    `strftime('${FORMAT}', ${args})`,
  ].join(', ');
}

const TIME_VALUES: (string | number | null)[] = [
  '2023-05-06', '2023-05-06 12:34', '2023-05-06 12:34:56', '2023-05-06 12:34:56.789', '2023-05-06T12:34:56.7891',
  '2023-05-06 12:34:56.9999', '2023-05-06 12:34:56.123456789123', '2023-05-06 12:34:56Z', '2023-05-06 12:34:56 +05:30',
  '2023-05-06 12:34:56-08:00', '2023-05-06 12:34:56+00:00', '2023-05-06T23:59:59.999-14:00', '2023-05-06 00:00+14:00',
  '2023-05-06 12:00 Z', '2023-05-06 12:00 z ', '2023-05-06 12:00 +5:00', '2023-05-06 12:00 +15:00', '2023-05-06 12:00 +14:59',
  '2023-05-06  12:00', '2023-05-06TT12:00', '2023-05-06t12:00', '2023-05-06 12:00:00.', '2023-05-06 12:00:5',
  '12:34', '12:34:56', '12:34:56.5', '24:00', '24:00:00', '25:00', '12:60', '12:34:60', '12:34Z', '12:34 -03:00', ' 12:34',
  '2023-02-29', '2024-02-29', '2023-02-31', '2023-04-31', '2024-12-31', '2023-13-01', '2023-00-10', '2023-01-00', '2023-01-32',
  '0000-01-01', '0000-01-01 00:00:00', '9999-12-31 23:59:59.999', '9999-12-31 23:59:59.9999', '-0001-01-01', '-4713-11-24 12:00:00',
  '-4713-11-24 11:59:59', '-4714-01-01', '1582-10-10', '1969-12-31 23:59:59.5', '1970-01-01', '2038-01-19 03:14:08',
  '2023-5-6', '2023/05/06', ' 2023-05-06', '2023-05-06 ', '20230506',
  0, 0.0, 1, 2460000.5, 2460000, 2460000.123456789, 5373484.4999999, 5373484.5, -1, -0.5, 1700000000, 1700000000.5,
  1e10, 253402300799, 253402300800, -210866760000, -210866760001, 86400.25,
  '2460000.5', ' 2460000.5 ', '1700000000', '1e6', '+2460000', '.5', '5.', '1e', '0x10', 'abc', '', 'nowx', null,
  "sql:x'323032332d30352d3036'", "sql:'2023-05-06' || char(0) || 'x'",
];

const MODIFIERS: (string | number | null)[] = [
  '+1 day', '-1 day', '+1.5 days', '+1 days ', '+1day', '1 day', ' +1 day', '+1   day', '+0.5 hour', '+90 minutes', '-30 seconds',
  '+1.0005 seconds', '-0.0004 seconds', '+1 month', '-1 month', '+13 months', '-13 months', '+1.5 months', '-2.5 months', '+1 year',
  '-1 year', '+0.25 years', '+100 years', '-3000 years', '+10000 years', '+5373485 days', '+5373484 days', '+464269060799 seconds',
  '+1e2 days', '+1 MONTHS', '+ 1 day', '+1 days later', '+1 fortnight', '+1 sec', '1e400 days',
  '+12:00', '-12:00', '+01:30:15.5', '12:00', '-00:00:01', '+24:00', '+25:00', '+12:00+01:00', '-01:00:00.9999', '+00:61',
  '+1-02-03', '-0001-02-03', '+0001-00-00 12:00', '-0000-01-00 01:02:03', '+0001-12-00', '+0001-00-31', '+00001-01-01',
  '+1-1-1', '0001-01-01', '+0000-01-30', '-0000-00-30 23:59:59.999', '+0001-01-01 1:00', '+0001-01-01x',
  'start of day', 'start of month', 'start of year', 'start of week', 'START OF MONTH', 'start of  day',
  'weekday 0', 'weekday 1', 'weekday 2', 'weekday 3', 'weekday 4', 'weekday 5', 'weekday 6', 'weekday 7', 'weekday 1.5',
  'weekday -1', 'weekday  3', 'WEEKDAY 3', 'weekday 3 ', 'weekday',
  'unixepoch', 'julianday', 'auto', 'subsec', 'subsecond', 'SUBSEC', 'ceiling', 'floor', 'Floor', 'utc', 'bogus', '', null, 5,
];

describe('grids', () => {
  test('time values alone', () => {
    const sql = `WITH ${valuesTable('tv', TIME_VALUES)} SELECT k, ${allFunctions('v')} FROM tv ORDER BY k`;
    expect(mismatches(sql)).toEqual([]);
  });

  test('time values × one modifier', () => {
    const sql =
      `WITH ${valuesTable('tv', TIME_VALUES)}, ${valuesTable('md', MODIFIERS)} ` +
      `SELECT tv.k, md.k, ${allFunctions('tv.v, md.v')} FROM tv, md ORDER BY tv.k, md.k`;
    expect(mismatches(sql)).toEqual([]);
  });

  const CHAINS: string[][] = [
    ['+1 month', 'floor'], ['+1 month', 'ceiling'], ['-1 month', 'floor'], ['+1 year', 'floor'], ['-1 year', 'floor'],
    ['floor', '+1 month'], ['+1 month', '+1 day', 'floor'], ['+1 month', 'start of day', 'floor'], ['+0001-01-00', 'floor'],
    ['start of month', '+1 month', '-1 day'], ['start of year', '+59 days', 'floor'], ['weekday 0', 'start of day'],
    ['unixepoch', '+1 day'], ['+1 day', 'unixepoch'], ['julianday', '+1 day'], ['+1 day', 'julianday'], ['auto', 'subsec'],
    ['+1 day', 'auto'], ['subsec', '+0.001 seconds'], ['unixepoch', 'subsec'], ['subsec', 'unixepoch'], ['auto', 'start of day'],
    ['start of day', 'start of day'], ['+1 month', '+1 month', 'floor'], ['-0001-01-01', 'ceiling', 'floor'],
    ['unixepoch', 'utc'], ['julianday', 'subsec', '+12:00:00.5'], ['+13 months', '-0001-00-00 12:00'],
  ];
  test('modifier chains', () => {
    const values = TIME_VALUES.filter((_, i) => i % 3 === 0);
    const columns = CHAINS.map((c) => allFunctions(['v', ...c.map(lit)].join(', '))).join(', ');
    const sql = `WITH ${valuesTable('tv', values)} SELECT k, ${columns} FROM tv ORDER BY k`;
    expect(mismatches(sql)).toEqual([]);
  });

  test('function arguments of every storage class', () => {
    const sql =
      `SELECT date(20230506), date('2023-05-06', 1), date(x'323032332d30352d3036', '+1 day'), ` +
      `date('2023-05-06', x'2b3120646179'), date('2023-05-06', NULL), date(NULL), date(), typeof(date()), ` +
      `julianday(2460000), typeof(julianday(2460000)), typeof(unixepoch('2023-05-06')), ` +
      `typeof(unixepoch('2023-05-06', 'subsec')), unixepoch('2023-05-06 12:00:00.5', 'subsec'), ` +
      `unixepoch('1969-12-31 23:59:59.5'), unixepoch(-1.5, 'unixepoch'), unixepoch(-1.5, 'unixepoch', 'subsec'), ` +
      `strftime('%s', '1969-12-31 23:59:59.5', 'subsec'), datetime(1700000000.123, 'unixepoch', 'subsec'), ` +
      `time('12:34:59.9996', 'subsec'), datetime('2023-05-06 12:34:59.9996', 'subsec'), ` +
      `datetime('2023-05-06 12:34:56.4444', 'subsec', 'utc'), datetime(2460000.5, 'utc')`;
    expect(mismatches(sql)).toEqual([]);
  });
});

describe('strftime', () => {
  const FORMATS: (string | null)[] = [
    FORMAT, '%C', '%y', '%a', '%', 'abc%', '100%%', '', null, 'é%Y ü', 'plain', '%%%', '%Y-%m-%dT%H:%M:%fZ', "sql:'%Y' || char(0) || '%m'",
    '%J %J', "sql:x'2559'",
  ];
  test('formats', () => {
    const values = ['2023-05-06 12:34:56.789', '-0044-03-15 00:00', '0000-01-01', 2460000.25, '12:00:00', '9999-12-31 23:59:59.999'];
    const sql =
      `WITH ${valuesTable('fm', FORMATS)}, ${valuesTable('tv', values)} ` +
      `SELECT fm.k, tv.k, strftime(fm.v, tv.v), strftime(fm.v, tv.v, 'subsec') FROM fm, tv ORDER BY fm.k, tv.k`;
    expect(mismatches(sql)).toEqual([]);
    const [h, o] = pair.run("SELECT strftime(), strftime('%Y', NULL), strftime(NULL)");
    expect(h).toEqual(o);
  });

  test('ISO and calendar weeks around every new year from 1999 to 2032', () => {
    const days: number[] = [];
    for (let year = 1999; year <= 2032; year++) {
      const jan1 = Date.UTC(year, 0, 1) / 86400000 + 2440587.5;
      for (let d = -8; d <= 8; d++) days.push(jan1 + d);
    }
    for (const y of [0, 1, 4, 100, 400, 1600, 1900, 9999]) days.push(Date.UTC(y, 0, 1) / 86400000 + 2440587.5 + (y === 9999 ? 360 : 0));
    const sql = `WITH ${valuesTable('tv', days)} SELECT k, strftime('%F %G %g %V %U %W %j %u %w', v) FROM tv ORDER BY k`;
    expect(mismatches(sql)).toEqual([]);
  });
});

test('timediff', () => {
  const values = [
    '2023-05-06', '2023-05-06 12:34:56.789', '2024-02-29', '2023-01-31', '2023-03-01', '2000-01-01', '1999-12-31 23:59:59.999',
    '0000-01-01', '9999-12-31 23:59:59.999', '2023-02-28 23:00', '2023-05-06 12:34:56+02:00', '12:00', 2460000.5, 0,
    '2023-02-31', 'bogus', null, 1700000000,
  ];
  const sql =
    `WITH ${valuesTable('a', values)}, ${valuesTable('b', values)} ` +
    `SELECT a.k, b.k, timediff(a.v, b.v), datetime(b.v, timediff(a.v, b.v)) FROM a, b ORDER BY a.k, b.k`;
  expect(mismatches(sql)).toEqual([]);
});

describe('seeded random instants', () => {
  const rng = new Prng(20240601);
  const UNITS = ['seconds', 'minutes', 'hours', 'days', 'months', 'years'];
  const LIMITS = [4.6e14, 7.7e12, 1.2e11, 5.3e6, 1.7e5, 1.4e4];

  test('instants × random shifts', () => {
    const values: (string | number)[] = [];
    for (let i = 0; i < 300; i++) {
      const jdMs = rng.range(0, 464269060799999);
      const k = rng.int(4);
      if (k === 0) values.push(jdMs / 86400000);
      else if (k === 1) values.push((jdMs - 210866760000000) / 1000);
      else if (k === 2) values.push(`${(jdMs / 86400000).toFixed(rng.int(9))}`);
      else values.push(`${String(rng.range(0, 9999)).padStart(4, '0')}-${String(rng.range(1, 12)).padStart(2, '0')}-${String(rng.range(1, 31)).padStart(2, '0')} ${String(rng.range(0, 23)).padStart(2, '0')}:${String(rng.range(0, 59)).padStart(2, '0')}:${String(rng.range(0, 59)).padStart(2, '0')}.${rng.range(0, 99999)}`);
    }
    const shifts: string[] = [];
    for (let i = 0; i < 40; i++) {
      const u = rng.int(UNITS.length);
      const magnitude = rng.float() ** 4 * LIMITS[u]!;
      shifts.push(`${rng.chance(0.5) ? '-' : '+'}${magnitude.toPrecision(rng.range(1, 12))} ${UNITS[u]}`);
    }
    shifts.push('auto', 'unixepoch', 'julianday', 'floor');
    const sql =
      `WITH ${valuesTable('tv', values)}, ${valuesTable('md', shifts)} ` +
      `SELECT tv.k, md.k, julianday(tv.v, md.v), datetime(tv.v, md.v, 'subsec'), unixepoch(tv.v, md.v), ` +
      `strftime('%J %s %f %j %V', tv.v, md.v) FROM tv, md ORDER BY tv.k, md.k`;
    expect(mismatches(sql)).toEqual([]);
  });
});

describe('the statement clock', () => {
  test("'now' is close to the host clock and the same throughout a statement", () => {
    const db = pair.hearth;
    db.exec('CREATE TABLE many(x); INSERT INTO many VALUES (1),(2),(3),(4),(5),(6),(7),(8)');
    db.exec('INSERT INTO many SELECT x FROM many; INSERT INTO many SELECT x FROM many; INSERT INTO many SELECT x FROM many');
    const before = Date.now();
    const rows = db
      .prepare("SELECT unixepoch('now', 'subsec'), datetime('now'), julianday(), date(), time('now'), current_timestamp, current_date, current_time FROM many")
      .raw()
      .all() as unknown[][];
    const after = Date.now();
    expect(rows.length).toBe(64);
    const first = JSON.stringify(rows[0]);
    expect(rows.every((r) => JSON.stringify(r) === first)).toBe(true);
    const [sec, datetime, jd, date, time, ts, cdate, ctime] = rows[0] as [number, string, number, string, string, string, string, string];
    expect(sec * 1000).toBeGreaterThanOrEqual(before);
    expect(sec * 1000).toBeLessThanOrEqual(after);
    expect((jd - 2440587.5) * 86400).toBeCloseTo(sec, 2);
    expect(datetime).toBe(new Date(Math.floor(sec) * 1000).toISOString().slice(0, 19).replace('T', ' '));
    expect([ts, cdate, ctime]).toEqual([datetime, date, time]);
    expect(`${date} ${time}`).toBe(datetime);
  });

  test("each run of a statement reads the clock again; 'now' works as a column default", () => {
    const db = pair.hearth;
    const st = db.prepare("SELECT strftime('%Y-%m-%d %H:%M:%f', 'now')");
    const a = st.pluck().get() as string;
    const start = Date.now();
    while (Date.now() < start + 3);
    const b = st.pluck().get() as string;
    expect(b > a).toBe(true);
    db.exec("CREATE TABLE stamped(id, at DEFAULT CURRENT_TIMESTAMP, d DEFAULT (date('now')))");
    db.exec('INSERT INTO stamped(id) VALUES (1), (2)');
    const stamps = db.prepare('SELECT at, d FROM stamped').raw().all() as string[][];
    expect(stamps[0]).toEqual(stamps[1]);
    expect(stamps[0]![0]!.slice(0, 10)).toBe(stamps[0]![1]);
  });
});

test('the clock and the time zone are refused where calls must be deterministic', () => {
  const schema = new QueryPair(
    "CREATE TABLE i(a); INSERT INTO i VALUES ('2023-01-01'); CREATE TABLE j(a); " +
      "CREATE TABLE k(a CHECK (strftime('%Y', a, 'utc') > '2000')); CREATE TABLE d(a CHECK (a < date('now', 'localtime')))",
  );
  let errors = 0;
  try {
    for (const sql of [
      "CREATE INDEX ix ON i(date(a, 'localtime'))",
      "CREATE INDEX ix2 ON i(date(a, '+1 day', 'subsec'))",
      "CREATE INDEX ix3 ON i(a) WHERE a < date('now')",
      "CREATE INDEX ix4 ON j(date(a, 'utc'))",
      "INSERT INTO j VALUES ('2023-01-01')",
      "INSERT INTO j VALUES (NULL), ('bogus')",
      'CREATE INDEX ix5 ON i(julianday())',
      "CREATE INDEX ix6 ON i(unixepoch('subsec'))",
      "INSERT INTO k VALUES ('2023-01-01')",
      "INSERT INTO k VALUES ('bogus')",
      "INSERT INTO d VALUES ('2000-01-01')",
      "UPDATE i SET a = '2024-01-01'",
      'SELECT * FROM i, j, k',
    ]) {
      const [h, o] = schema.run(sql);
      expect(h, sql).toEqual(o);
      if (o.error) errors++;
    }
    expect(errors).toBe(7);
  } finally {
    schema.close();
  }
});
