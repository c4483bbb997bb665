import { describe, expect, it } from 'vitest';
import type { Statement } from './ast.js';
import { SqlSyntaxError } from './errors.js';
import { parse, parseOne } from './parse-stmt.js';

/** A copy of a syntax tree without source offsets, for comparing structure. */
function strip<T>(node: T): T {
  return JSON.parse(JSON.stringify(node, (k, v) => (k === 'start' || k === 'end' ? undefined : v)));
}

/** The statement `sql` parses to, without offsets. */
function stmt(sql: string): Statement {
  const { stmt } = parseOne(sql);
  if (!stmt) throw new Error(`no statement: ${sql}`);
  return strip(stmt);
}

/** The message of the error `sql` raises. */
function error(sql: string): string {
  try {
    parseOne(sql);
  } catch (e) {
    if (e instanceof SqlSyntaxError) return e.message;
    throw e;
  }
  throw new Error(`no error: ${sql}`);
}

const id = (name: string, quote: string | null = null) => ({ kind: 'identifier', name, quote });
const col = (name: string) => ({ kind: 'column', schema: null, table: null, column: id(name) });
const int = (text: string) => ({ kind: 'integer', text });

describe('parse and parseOne', () => {
  it('splits a script into statements, skipping empty ones', () => {
    const all = parse(';; SELECT 1; ;\nCREATE TABLE t(a) ; -- done\n');
    expect(all.map((s) => s.kind)).toEqual(['select', 'createTable']);
    expect(parse('  -- nothing\n ;; /* at all */')).toEqual([]);
  });

  it('says where each statement ends, for prepare loops', () => {
    const sql = 'SELECT 1;  SELECT 2 ; ';
    const first = parseOne(sql);
    expect(first.end).toBe(9);
    const second = parseOne(sql, first.end);
    expect(second.stmt?.kind).toBe('select');
    expect(second.end).toBe(21);
    expect(parseOne(sql, second.end)).toEqual({ stmt: null, end: sql.length, parameters: [] });
    expect(parseOne('SELECT 1').end).toBe(8);
    expect(parseOne('SELECT 1\u0000SELECT 2').end).toBe(8);
  });

  it('gives each node its place in the text', () => {
    const sql = '  SELECT a AS x FROM t;';
    const s = parseOne(sql).stmt;
    expect(s).toMatchObject({ start: 2, end: 22 });
    if (s?.kind !== 'select' || s.first.kind !== 'simpleSelect') throw new Error('select expected');
    const column = s.first.columns[0];
    expect(sql.slice(column.start, column.end)).toBe('a AS x');
  });

  it('nests the span of every node within its parent’s', () => {
    const script = [
      'WITH c AS (SELECT 1) SELECT DISTINCT (a + 1) * -b AS x, t.*, f(DISTINCT y ORDER BY z) ' +
        'FILTER (WHERE 1) OVER (PARTITION BY a ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) ' +
        'FROM t JOIN (SELECT 1) s ON s.a = t.a, (u LEFT JOIN v USING (k)) w ' +
        'WHERE a IN (1, 2) AND b BETWEEN 1 AND 2 AND c LIKE d ESCAPE e AND CASE a WHEN 1 THEN 2 END ' +
        'GROUP BY a HAVING b WINDOW ww AS (ORDER BY a) UNION SELECT 1, 2 ORDER BY 1 LIMIT 1, 2',
      "INSERT INTO t (a) SELECT 1 WHERE 1 ON CONFLICT (a) DO UPDATE SET (a, b) = (1, 2) RETURNING *",
      'UPDATE t SET a = 1 FROM u WHERE t.k = u.k RETURNING a',
      'DELETE FROM t INDEXED BY i WHERE a ORDER BY b LIMIT 3',
      'CREATE TABLE t(a INT PRIMARY KEY REFERENCES p(k) DEFERRABLE, b AS (a) STORED, CHECK (a), ' +
        'FOREIGN KEY (b) REFERENCES p)',
      'CREATE TRIGGER r AFTER UPDATE OF a ON t WHEN 1 BEGIN DELETE FROM u; SELECT RAISE(IGNORE); END',
      'CREATE INDEX i ON t(a COLLATE nocase DESC) WHERE b',
      'ALTER TABLE t ADD COLUMN c DEFAULT (1)',
      "PRAGMA main.x = -1",
      'EXPLAIN QUERY PLAN SELECT CAST(a AS INT) FROM t',
    ].join(';\n');
    let checked = 0;
    const walk = (node: unknown, parent: { start: number; end: number } | null): void => {
      if (Array.isArray(node)) return node.forEach((child) => walk(child, parent));
      if (node === null || typeof node !== 'object' || node instanceof Uint8Array) return;
      let here = parent;
      const span = node as { start?: unknown; end?: unknown };
      if (typeof span.start === 'number' && typeof span.end === 'number') {
        const inside = span.start <= span.end && (!parent || (span.start >= parent.start && span.end <= parent.end));
        expect([inside, script.slice(span.start, span.end)]).toEqual([true, script.slice(span.start, span.end)]);
        here = { start: span.start, end: span.end };
        checked++;
      }
      for (const [key, child] of Object.entries(node)) if (key !== 'start' && key !== 'end') walk(child, here);
    };
    walk(parse(script), { start: 0, end: script.length });
    expect(checked).toBeGreaterThan(200);
  });

  it('skips a byte-order mark at the start, as SQLite does for UTF-16 text', () => {
    expect(parseOne('\ufeffSELECT 1').stmt?.kind).toBe('select');
  });
});

describe('syntax errors', () => {
  it('words errors as SQLite does', () => {
    expect(error('SELECT 1 +')).toBe('incomplete input');
    expect(error('SELECT 1 + /* comment */')).toBe('incomplete input');
    expect(error('SELECT 1 +;')).toBe('near ";": syntax error');
    expect(error('SELECT a FORM t')).toBe('near "t": syntax error');
    expect(error('SELECT * FORM t')).toBe('near "FORM": syntax error');
    expect(error('SELEC 1')).toBe('near "SELEC": syntax error');
    expect(error('SELECT 1 ^ 2')).toBe('unrecognized token: "^"');
    expect(error("SELECT 'abc")).toBe('unrecognized token: "\'abc"');
    expect(error('SELECT 1abc')).toBe('unrecognized token: "1abc"');
    expect(error('SELECT 1 2')).toBe('near "2": syntax error');
  });

  it('reports where the error is', () => {
    const e = (() => {
      try {
        parseOne('SELECT a FROM WHERE');
      } catch (err) {
        return err as SqlSyntaxError;
      }
      throw new Error('no error');
    })();
    expect(e).toBeInstanceOf(SqlSyntaxError);
    expect(e.code).toBe('SQLITE_ERROR');
    expect(e.offset).toBe(14);
  });

  it('raises the errors SQLite’s grammar actions raise, once the next token is accepted', () => {
    expect(error('SELECT * FROM a LEFT foo JOIN b')).toBe('unknown join type: LEFT foo');
    expect(error('SELECT * FROM a OUTER JOIN b')).toBe('unknown join type: OUTER');
    expect(error('SELECT * FROM a INNER OUTER JOIN b')).toBe('unknown join type: INNER OUTER');
    expect(error('SELECT * FROM a LEFT foo JOIN )')).toBe('near ")": syntax error');
    expect(error('SELECT 1 ORDER BY 1 UNION SELECT 2')).toBe(
      'ORDER BY clause should come after UNION not before',
    );
    expect(error('SELECT 1 LIMIT 1 UNION ALL SELECT 2')).toBe(
      'LIMIT clause should come after UNION ALL not before',
    );
    expect(error('SELECT 1 ORDER BY 1 UNION SELECT 2 )')).toBe('near ")": syntax error');
    expect(error('CREATE VIEW v(a DESC) AS SELECT 1')).toBe('syntax error after column name "a"');
    expect(error('WITH c(x COLLATE nocase) AS (SELECT 1) SELECT 1')).toBe(
      'syntax error after column name "x"',
    );
    expect(error('CREATE TABLE t(a) foo')).toBe('unknown table option: foo');
    expect(error('CREATE TABLE t(a) WITHOUT "rowid"')).toBe('unknown table option: "rowid"');
    expect(error('CREATE TABLE t(a AS (1) foo)')).toBe('error in generated column "a"');
  });

  it('refuses what SQLite refuses in trigger bodies', () => {
    const trigger = (body: string) => `CREATE TRIGGER r AFTER INSERT ON t BEGIN ${body}; END`;
    expect(error(trigger('UPDATE main.t SET a = 1'))).toBe(
      'qualified table names are not allowed on INSERT, UPDATE, and DELETE statements within triggers',
    );
    expect(error(trigger('DELETE FROM t INDEXED BY i'))).toBe(
      'the INDEXED BY clause is not allowed on UPDATE or DELETE statements within triggers',
    );
    expect(error(trigger('DELETE FROM t NOT INDEXED'))).toBe(
      'the NOT INDEXED clause is not allowed on UPDATE or DELETE statements within triggers',
    );
    expect(error(trigger('INSERT INTO t VALUES (1) RETURNING *'))).toBe('cannot use RETURNING in a trigger');
    expect(error(trigger('DELETE FROM t RETURNING *'))).toBe('near "RETURNING": syntax error');
    expect(error(trigger('DELETE FROM t LIMIT 1'))).toBe('near "LIMIT": syntax error');
    expect(error(trigger('INSERT INTO t DEFAULT VALUES'))).toBe('near "DEFAULT": syntax error');
    expect(error(trigger('WITH x AS (SELECT 1) DELETE FROM t'))).toBe('near "DELETE": syntax error');
    expect(error('CREATE TRIGGER r AFTER INSERT ON t BEGIN END')).toBe('near "END": syntax error');
    expect(error('CREATE TRIGGER r AFTER INSERT ON t BEGIN SELECT 1 END')).toBe('incomplete input');
  });

  it('limits nesting depth instead of exhausting the stack', () => {
    expect(parseOne(`SELECT ${'('.repeat(900)}1${')'.repeat(900)}`).stmt).not.toBeNull();
    const tooDeep = 'Expression tree is too large (maximum depth 1000)';
    expect(error(`SELECT ${'('.repeat(100000)}1`)).toBe(tooDeep);
    expect(error(`SELECT ${'(SELECT '.repeat(5000)}1`)).toBe(tooDeep);
    expect(error(`SELECT * FROM ${'('.repeat(5000)}t`)).toBe(tooDeep);
  });
});

describe('SELECT', () => {
  it('reads a simple select with every clause', () => {
    expect(
      stmt('SELECT DISTINCT a, t.*, *, b + 1 AS x, c y FROM t WHERE a GROUP BY a, b HAVING b ' +
        'WINDOW w AS (ORDER BY a) ORDER BY 1 DESC, x NULLS FIRST LIMIT 10 OFFSET 5'),
    ).toEqual({
      kind: 'select',
      with: null,
      first: {
        kind: 'simpleSelect',
        distinct: true,
        columns: [
          { kind: 'expr', expr: col('a'), alias: null },
          { kind: 'tableStar', table: id('t') },
          { kind: 'star' },
          { kind: 'expr', expr: { kind: 'binary', op: '+', left: col('b'), right: int('1') }, alias: id('x') },
          { kind: 'expr', expr: col('c'), alias: id('y') },
        ],
        from: {
          terms: [
            { join: null, source: { kind: 'table', schema: null, name: id('t'), alias: null, indexed: null }, constraint: null },
          ],
        },
        where: col('a'),
        groupBy: [col('a'), col('b')],
        having: col('b'),
        windows: [
          { name: id('w'), window: { kind: 'window', base: null, partitionBy: [], orderBy: [{ expr: col('a'), order: null, nulls: null }], frame: null } },
        ],
      },
      compounds: [],
      orderBy: [
        { expr: int('1'), order: 'DESC', nulls: null },
        { expr: col('x'), order: null, nulls: 'FIRST' },
      ],
      limit: { count: int('10'), offset: int('5') },
    });
  });

  it('reads LIMIT a, b as offset a and count b', () => {
    expect(stmt('SELECT 1 LIMIT 2, 3')).toMatchObject({ limit: { count: int('3'), offset: int('2') } });
  });

  it('reads compound selects and VALUES', () => {
    const s = stmt('VALUES (1, 2), (3, 4) UNION ALL SELECT 5, 6 INTERSECT SELECT 7, 8 EXCEPT SELECT 9, 10 UNION SELECT 0, 0 ORDER BY 1');
    expect(s).toMatchObject({
      first: { kind: 'values', rows: [[int('1'), int('2')], [int('3'), int('4')]] },
      compounds: [{ op: 'UNION ALL' }, { op: 'INTERSECT' }, { op: 'EXCEPT' }, { op: 'UNION' }],
      orderBy: [{ expr: int('1') }],
    });
    expect(error('VALUES (1) ORDER BY 1')).toBe('near "ORDER": syntax error');
  });

  it('reads WITH clauses', () => {
    expect(stmt('WITH RECURSIVE c(n) AS (SELECT 1), d AS MATERIALIZED (SELECT 2), e AS NOT MATERIALIZED (SELECT 3) SELECT n FROM c')).toMatchObject({
      with: {
        recursive: true,
        ctes: [
          { name: id('c'), columns: [id('n')], materialized: null },
          { name: id('d'), columns: null, materialized: true },
          { name: id('e'), columns: null, materialized: false },
        ],
      },
    });
  });

  it('reads joins, table-valued functions, subqueries and index hints', () => {
    const s = stmt(
      'SELECT * FROM a, main.b AS x INDEXED BY i LEFT JOIN c y NOT INDEXED ON x.k = y.k ' +
        'NATURAL FULL OUTER JOIN (SELECT 1) s CROSS JOIN f(1, 2) AS g JOIN (d RIGHT JOIN e USING (k, l)) h',
    );
    if (s.kind !== 'select' || s.first.kind !== 'simpleSelect') throw new Error('select expected');
    const terms = s.first.from?.terms ?? [];
    expect(terms.map((t) => t.join && [t.join.type, t.join.natural, t.join.comma])).toEqual([
      null,
      ['INNER', false, true],
      ['LEFT', false, false],
      ['FULL', true, false],
      ['CROSS', false, false],
      ['INNER', false, false],
    ]);
    expect(terms[1]?.source).toEqual({ kind: 'table', schema: id('main'), name: id('b'), alias: id('x'), indexed: { index: id('i') } });
    expect(terms[2]?.source).toMatchObject({ alias: id('y'), indexed: { index: null } });
    expect(terms[2]?.constraint).toMatchObject({ kind: 'on', expr: { kind: 'binary', op: '=' } });
    expect(terms[3]?.source).toMatchObject({ kind: 'subquery', alias: id('s') });
    expect(terms[4]?.source).toEqual({ kind: 'tableFunction', schema: null, name: id('f'), args: [int('1'), int('2')], alias: id('g') });
    expect(terms[5]?.source).toMatchObject({
      kind: 'group',
      alias: id('h'),
      from: { terms: [{ source: { name: id('d') } }, { join: { type: 'RIGHT' }, constraint: { kind: 'using', columns: [id('k'), id('l')] } }] },
    });
  });

  it('reads keywords as names where SQLite does', () => {
    expect(stmt('SELECT key, end AS replace FROM temp AS action WHERE abort')).toMatchObject({
      first: {
        columns: [{ expr: col('key') }, { expr: col('end'), alias: id('replace') }],
        from: { terms: [{ source: { name: id('temp'), alias: id('action') } }] },
        where: col('abort'),
      },
    });
    expect(stmt('SELECT 1 window')).toMatchObject({ first: { columns: [{ alias: id('window') }] } });
    expect(stmt('SELECT a FROM t window')).toMatchObject({ first: { from: { terms: [{ source: { alias: id('window') } }] } } });
    expect(error('SELECT a FROM t window w')).toBe('near "w": syntax error');
    expect(error('SELECT a left FROM t')).toBe('near "left": syntax error');
  });
});

describe('INSERT, UPDATE and DELETE', () => {
  it('reads INSERT with columns, VALUES, upserts and RETURNING', () => {
    expect(
      stmt('INSERT OR IGNORE INTO main.t AS x (a, b) VALUES (1, 2) ON CONFLICT (a) WHERE a > 0 DO UPDATE SET b = 3 WHERE 1 ON CONFLICT DO NOTHING RETURNING *'),
    ).toMatchObject({
      kind: 'insert',
      or: 'IGNORE',
      schema: id('main'),
      table: id('t'),
      alias: id('x'),
      columns: [id('a'), id('b')],
      select: { first: { kind: 'values' } },
      upsert: [
        { target: [{ expr: col('a') }], targetWhere: { op: '>' }, set: [{ columns: [id('b')], value: int('3') }], where: int('1') },
        { target: null, targetWhere: null, set: null, where: null },
      ],
      returning: [{ kind: 'star' }],
    });
    expect(stmt('REPLACE INTO t DEFAULT VALUES')).toMatchObject({ kind: 'insert', or: 'REPLACE', select: null, upsert: [] });
    expect(stmt('WITH s AS (SELECT 1) INSERT INTO t SELECT * FROM s')).toMatchObject({ kind: 'insert', with: { ctes: [{ name: id('s') }] } });
    expect(error('INSERT INTO t VALUES (1) ON CONFLICT DO NOTHING ON CONFLICT (a) DO NOTHING')).toBe('near "ON": syntax error');
  });

  it('takes ON after a FROM table as a join constraint, as SQLite does', () => {
    expect(error('INSERT INTO t SELECT * FROM s ON CONFLICT DO NOTHING')).toBe('near "DO": syntax error');
  });

  it('reads UPDATE', () => {
    expect(
      stmt('UPDATE OR ROLLBACK t AS u INDEXED BY i SET a = 1, (b, c) = (2, 3) FROM s WHERE u.k = s.k RETURNING a ORDER BY a LIMIT 1'),
    ).toMatchObject({
      kind: 'update',
      or: 'ROLLBACK',
      table: { kind: 'table', name: id('t'), alias: id('u'), indexed: { index: id('i') } },
      set: [
        { columns: [id('a')], value: int('1') },
        { columns: [id('b'), id('c')], value: { kind: 'row' } },
      ],
      from: { terms: [{ source: { name: id('s') } }] },
      where: { op: '=' },
      returning: [{ kind: 'expr', expr: col('a') }],
      orderBy: [{ expr: col('a') }],
      limit: { count: int('1') },
    });
    expect(error('UPDATE t SET t.a = 1')).toBe('near ".": syntax error');
    expect(error('UPDATE t x SET a = 1')).toBe('near "x": syntax error');
  });

  it('reads DELETE', () => {
    expect(stmt('DELETE FROM t WHERE a RETURNING b AS c ORDER BY a DESC LIMIT 2 OFFSET 1')).toEqual({
      kind: 'delete',
      with: null,
      table: { kind: 'table', schema: null, name: id('t'), alias: null, indexed: null },
      where: col('a'),
      returning: [{ kind: 'expr', expr: col('b'), alias: id('c') }],
      orderBy: [{ expr: col('a'), order: 'DESC', nulls: null }],
      limit: { count: int('2'), offset: int('1') },
    });
  });
});

describe('CREATE TABLE', () => {
  it('reads column types as SQLite records them', () => {
    const s = stmt('CREATE TABLE t(a VARCHAR(10), b DOUBLE PRECISION, c UNSIGNED BIG INT, d DECIMAL(10, -5), e, f "odd type", g INT GENERATED ALWAYS AS (1))');
    if (s.kind !== 'createTable') throw new Error('createTable expected');
    expect(s.columns.map((c) => c.type?.text ?? null)).toEqual([
      'VARCHAR(10)', 'DOUBLE PRECISION', 'UNSIGNED BIG INT', 'DECIMAL(10, -5)', null, '"odd type"', 'INT',
    ]);
    expect(s.columns[6]?.constraints).toEqual([{ kind: 'generated', name: null, expr: int('1'), storage: null }]);
  });

  it('reads column constraints', () => {
    const s = stmt(
      'CREATE TEMP TABLE IF NOT EXISTS main.t(' +
        'a INTEGER PRIMARY KEY DESC ON CONFLICT REPLACE AUTOINCREMENT, ' +
        'b TEXT CONSTRAINT nn NOT NULL ON CONFLICT FAIL NULL UNIQUE CHECK (b <> \'\') COLLATE nocase, ' +
        'c DEFAULT -1, d DEFAULT (1 + 2), e DEFAULT CURRENT_TIME, f DEFAULT abc, g DEFAULT true, h DEFAULT "x", ' +
        'i REFERENCES p(k) ON DELETE CASCADE ON UPDATE SET NULL MATCH simple DEFERRABLE INITIALLY DEFERRED, ' +
        'j AS (a * 2) STORED, k GENERATED ALWAYS AS (b) VIRTUAL, l NOT DEFERRABLE)',
    );
    expect(s).toMatchObject({ kind: 'createTable', temp: true, ifNotExists: true, schema: id('main'), name: id('t') });
    if (s.kind !== 'createTable') throw new Error('createTable expected');
    const constraints = Object.fromEntries(s.columns.map((c) => [c.name.name, c.constraints]));
    expect(constraints.a).toEqual([{ kind: 'primaryKey', name: null, order: 'DESC', conflict: 'REPLACE', autoincrement: true }]);
    expect(constraints.b).toEqual([
      { kind: 'notNull', name: id('nn'), conflict: 'FAIL' },
      { kind: 'null', name: null, conflict: null },
      { kind: 'unique', name: null, conflict: null },
      { kind: 'check', name: null, expr: { kind: 'binary', op: '!=', left: col('b'), right: { kind: 'string', value: '' } }, conflict: null },
      { kind: 'collate', name: null, collation: id('nocase') },
    ]);
    expect(constraints.c).toEqual([{ kind: 'default', name: null, value: { kind: 'unary', op: '-', operand: int('1') } }]);
    expect(constraints.d).toMatchObject([{ kind: 'default', value: { kind: 'binary', op: '+' } }]);
    expect(constraints.e).toMatchObject([{ value: { kind: 'currentTime', keyword: 'CURRENT_TIME' } }]);
    expect(constraints.f).toMatchObject([{ value: { kind: 'string', value: 'abc' } }]);
    expect(constraints.g).toMatchObject([{ value: int('1') }]);
    expect(constraints.h).toMatchObject([{ value: { kind: 'string', value: 'x' } }]);
    expect(constraints.i).toEqual([
      {
        kind: 'references',
        name: null,
        foreignKey: {
          table: id('p'), columns: [id('k')], onDelete: 'CASCADE', onUpdate: 'SET NULL', match: id('simple'),
          deferrable: { not: false, initially: 'DEFERRED' },
        },
      },
    ]);
    expect(constraints.j).toMatchObject([{ kind: 'generated', storage: 'STORED' }]);
    expect(constraints.k).toMatchObject([{ kind: 'generated', storage: 'VIRTUAL' }]);
    expect(constraints.l).toEqual([{ kind: 'deferrable', name: null, deferrable: { not: true, initially: null } }]);
    expect(error('CREATE TABLE t(a DEFAULT 1 + 2)')).toBe('near "+": syntax error');
  });

  it('reads table constraints, with or without commas between them, and table options', () => {
    const s = stmt(
      'CREATE TABLE t(a, b, CONSTRAINT pk PRIMARY KEY (a DESC, b) UNIQUE (b COLLATE nocase) ON CONFLICT IGNORE, ' +
        'CHECK (a > b), FOREIGN KEY (a, b) REFERENCES p ON DELETE RESTRICT NOT DEFERRABLE INITIALLY IMMEDIATE) STRICT, WITHOUT ROWID',
    );
    expect(s).toMatchObject({
      withoutRowid: true,
      strict: true,
      constraints: [
        { kind: 'primaryKey', name: id('pk'), columns: [{ expr: col('a'), order: 'DESC' }, { expr: col('b') }], autoincrement: false },
        { kind: 'unique', name: null, columns: [{ expr: { kind: 'collate' } }], conflict: 'IGNORE' },
        { kind: 'check', expr: { op: '>' } },
        { kind: 'foreignKey', columns: [id('a'), id('b')], foreignKey: { table: id('p'), onDelete: 'RESTRICT', deferrable: { not: true, initially: 'IMMEDIATE' } } },
      ],
    });
    expect(stmt('CREATE TABLE t(a) , STRICT')).toMatchObject({ strict: true });
    expect(error('CREATE TABLE t(PRIMARY KEY(a))')).toBe('near "PRIMARY": syntax error');
  });

  it('reads CREATE TABLE AS and names that are keywords', () => {
    expect(stmt('CREATE TABLE t AS SELECT 1')).toMatchObject({ columns: [], asSelect: { kind: 'select' } });
    const s = stmt('CREATE TABLE replace(key, end TEXT, "select", [from] INT, \'quoted\')');
    if (s.kind !== 'createTable') throw new Error('createTable expected');
    expect(s.name).toEqual(id('replace'));
    expect(s.columns.map((c) => [c.name.name, c.name.quote])).toEqual([
      ['key', null], ['end', null], ['select', '"'], ['from', '['], ['quoted', "'"],
    ]);
    expect(error('CREATE TABLE if(a)')).toBe('near "(": syntax error');
  });
});

describe('other schema statements', () => {
  it('reads CREATE INDEX', () => {
    expect(stmt('CREATE UNIQUE INDEX IF NOT EXISTS s.i ON t (a COLLATE nocase DESC, b + c) WHERE a > 0')).toMatchObject({
      kind: 'createIndex', unique: true, ifNotExists: true, schema: id('s'), name: id('i'), table: id('t'),
      columns: [{ expr: { kind: 'collate' }, order: 'DESC' }, { expr: { kind: 'binary' }, order: null }],
      where: { op: '>' },
    });
  });

  it('reads CREATE VIEW', () => {
    expect(stmt('CREATE TEMP VIEW IF NOT EXISTS v (x, y) AS SELECT 1, 2')).toMatchObject({
      kind: 'createView', temp: true, ifNotExists: true, name: id('v'), columns: [id('x'), id('y')], select: { kind: 'select' },
    });
  });

  it('reads CREATE TRIGGER', () => {
    expect(
      stmt('CREATE TRIGGER IF NOT EXISTS main.r INSTEAD OF UPDATE OF a, b ON v FOR EACH ROW WHEN new.a > 0 BEGIN ' +
        'INSERT INTO t VALUES (new.a); UPDATE t SET a = 1; DELETE FROM t WHERE a = old.a; SELECT RAISE(IGNORE); END'),
    ).toMatchObject({
      kind: 'createTrigger', ifNotExists: true, schema: id('main'), name: id('r'), timing: 'INSTEAD OF',
      event: 'UPDATE', columns: [id('a'), id('b')], table: id('v'), tableSchema: null, forEachRow: true,
      when: { op: '>' },
      body: [{ kind: 'insert' }, { kind: 'update' }, { kind: 'delete' }, { kind: 'select' }],
    });
    expect(stmt('CREATE TRIGGER r DELETE ON t BEGIN SELECT 1; END')).toMatchObject({ timing: null, event: 'DELETE', columns: null });
  });

  it('reads CREATE VIRTUAL TABLE, keeping the module arguments as text', () => {
    expect(stmt("CREATE VIRTUAL TABLE IF NOT EXISTS v USING fts5(a, b UNINDEXED, tokenize = 'porter ascii', x(1, (2)), , )")).toEqual({
      kind: 'createVirtualTable', ifNotExists: true, schema: null, name: id('v'), module: id('fts5'),
      args: ['a', 'b UNINDEXED', "tokenize = 'porter ascii'", 'x(1, (2))'],
    });
    expect(stmt('CREATE VIRTUAL TABLE v USING m')).toMatchObject({ args: [] });
    expect(error('CREATE VIRTUAL TABLE v USING m(a')).toBe('incomplete input');
  });

  it('reads DROP', () => {
    expect(stmt('DROP TABLE IF EXISTS main.t')).toEqual({ kind: 'drop', object: 'TABLE', ifExists: true, schema: id('main'), name: id('t') });
    expect(stmt('DROP TRIGGER r')).toMatchObject({ object: 'TRIGGER', ifExists: false });
  });

  it('reads every ALTER TABLE form', () => {
    const action = (sql: string) => {
      const s = stmt(`ALTER TABLE main.t ${sql}`);
      if (s.kind !== 'alterTable') throw new Error('alterTable expected');
      expect(s.schema).toEqual(id('main'));
      return s.action;
    };
    expect(action('RENAME TO u')).toEqual({ kind: 'renameTable', newName: id('u') });
    expect(action('RENAME COLUMN a TO b')).toEqual({ kind: 'renameColumn', column: id('a'), newName: id('b') });
    expect(action('RENAME a TO b')).toEqual({ kind: 'renameColumn', column: id('a'), newName: id('b') });
    expect(action('ADD COLUMN c INT NOT NULL DEFAULT 0')).toMatchObject({ kind: 'addColumn', column: { name: id('c'), type: { text: 'INT' } } });
    expect(action('ADD column INT')).toMatchObject({ kind: 'addColumn', column: { name: id('INT'), type: null } });
    expect(action('DROP COLUMN c')).toEqual({ kind: 'dropColumn', column: id('c') });
    expect(action('DROP c')).toEqual({ kind: 'dropColumn', column: id('c') });
    expect(action('ADD CONSTRAINT ck CHECK (a > 0) ON CONFLICT ABORT')).toMatchObject({
      kind: 'addConstraint', constraint: { kind: 'check', name: id('ck'), conflict: 'ABORT' },
    });
    expect(action('ADD CHECK (a)')).toMatchObject({ kind: 'addConstraint', constraint: { name: null } });
    expect(action('DROP CONSTRAINT ck')).toEqual({ kind: 'dropConstraint', name: id('ck') });
    expect(action('ALTER COLUMN a SET NOT NULL ON CONFLICT IGNORE')).toEqual({ kind: 'setNotNull', column: id('a'), conflict: 'IGNORE' });
    expect(action('ALTER a DROP NOT NULL')).toEqual({ kind: 'dropNotNull', column: id('a') });
    expect(error('ALTER TABLE t ADD CONSTRAINT c UNIQUE (a)')).toBe('near "UNIQUE": syntax error');
  });
});

describe('transaction, PRAGMA and maintenance statements', () => {
  it('reads transactions and savepoints', () => {
    expect(stmt('BEGIN')).toEqual({ kind: 'begin', mode: null });
    expect(stmt('BEGIN IMMEDIATE TRANSACTION tx')).toEqual({ kind: 'begin', mode: 'IMMEDIATE' });
    expect(stmt('END TRANSACTION')).toEqual({ kind: 'commit' });
    expect(stmt('COMMIT')).toEqual({ kind: 'commit' });
    expect(stmt('ROLLBACK')).toEqual({ kind: 'rollback', savepoint: null });
    expect(stmt('ROLLBACK TRANSACTION TO SAVEPOINT sp')).toEqual({ kind: 'rollback', savepoint: id('sp') });
    expect(stmt('SAVEPOINT sp')).toEqual({ kind: 'savepoint', name: id('sp') });
    expect(stmt('RELEASE SAVEPOINT sp')).toEqual({ kind: 'release', name: id('sp') });
    expect(error('RELEASE savepoint')).toBe('incomplete input');
  });

  it('reads PRAGMA in all its forms', () => {
    expect(stmt('PRAGMA cache_size')).toEqual({ kind: 'pragma', schema: null, name: id('cache_size'), value: null });
    expect(stmt('PRAGMA main.cache_size = -2000')).toEqual({
      kind: 'pragma', schema: id('main'), name: id('cache_size'), value: { kind: 'number', text: '-2000' },
    });
    expect(stmt('PRAGMA table_info(t)')).toMatchObject({ value: id('t') });
    expect(stmt("PRAGMA journal_mode = 'wal'")).toMatchObject({ value: id('wal', "'") });
    expect(stmt('PRAGMA foreign_keys = ON')).toMatchObject({ value: id('ON') });
    expect(error('PRAGMA x = NULL')).toBe('near "NULL": syntax error');
  });

  it('reads ATTACH, DETACH, ANALYZE, REINDEX, VACUUM and EXPLAIN', () => {
    expect(stmt("ATTACH DATABASE 'f.db' AS aux KEY 'k'")).toEqual({
      kind: 'attach', file: { kind: 'string', value: 'f.db' }, schema: col('aux'), key: { kind: 'string', value: 'k' },
    });
    expect(stmt('DETACH aux')).toEqual({ kind: 'detach', schema: col('aux') });
    expect(stmt('ANALYZE')).toEqual({ kind: 'analyze', schema: null, name: null });
    expect(stmt('ANALYZE main.t')).toEqual({ kind: 'analyze', schema: id('main'), name: id('t') });
    expect(stmt('REINDEX i')).toEqual({ kind: 'reindex', schema: null, name: id('i') });
    expect(stmt("VACUUM main INTO 'x.db'")).toEqual({ kind: 'vacuum', schema: id('main'), into: { kind: 'string', value: 'x.db' } });
    expect(stmt('EXPLAIN QUERY PLAN SELECT 1')).toMatchObject({ kind: 'explain', queryPlan: true, stmt: { kind: 'select' } });
    expect(stmt('EXPLAIN DELETE FROM t')).toMatchObject({ kind: 'explain', queryPlan: false, stmt: { kind: 'delete' } });
    expect(error('EXPLAIN EXPLAIN SELECT 1')).toBe('near "EXPLAIN": syntax error');
  });
});
