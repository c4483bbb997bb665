/**
 * The `hearth` shell against Debian's sqlite3 (3.40): the same script piped into both, with the same
 * arguments, must give byte-identical stdout and stderr and the same exit status. The shell runs as
 * the built `dist/cli/hearth.js` in a child process (built first when missing or older than the
 * sources). Skipped, saying so, where /usr/bin/sqlite3 is absent.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const engineDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const hearthJs = join(engineDir, 'dist', 'cli', 'hearth.js');
const SQLITE3 = '/usr/bin/sqlite3';
const haveSqlite = existsSync(SQLITE3);
if (!haveSqlite) console.warn(`shell.test.ts: skipped, ${SQLITE3} is not installed`);

const dir = mkdtempSync(join(tmpdir(), 'hearth-shell-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The newest modification time of any file under `path`. */
function newest(path: string): number {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((f) => newest(join(path, f))));
}

beforeAll(() => {
  if (!haveSqlite) return;
  if (!existsSync(hearthJs) || statSync(hearthJs).mtimeMs < newest(join(engineDir, 'src'))) {
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: engineDir });
  }
});

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

let fileCount = 0;

/** Runs `script` through both shells, each on a fresh database file (or `:memory:`), with `args`. */
function both(script: string, args: string[] = [], memory = false): { sqlite: Run; hearth: Run } {
  const n = fileCount++;
  const run = (command: string, prefix: string[], name: string): Run => {
    const file = memory ? ':memory:' : join(dir, `${name}-${n}.db`);
    const r = spawnSync(command, [...prefix, ...args.map((a) => (a === 'FILE' ? file : a))], { input: script, cwd: dir });
    // Compare bytes exactly: latin1 maps each byte to one character.
    return { status: r.status, stdout: r.stdout.toString('latin1'), stderr: r.stderr.toString('latin1') };
  };
  const withFile = args.includes('FILE') ? [] : ['FILE'];
  args = [...withFile, ...args];
  return { sqlite: run(SQLITE3, [], 'sqlite'), hearth: run(process.execPath, [hearthJs], 'hearth') };
}

function expectSame(script: string, args: string[] = [], memory = false): Run {
  const { sqlite, hearth } = both(script, args, memory);
  expect(hearth).toEqual(sqlite);
  return sqlite;
}

const SCHEMA = `CREATE TABLE dept(id INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE emp(id INTEGER PRIMARY KEY, name TEXT, dept INTEGER, salary REAL, note);
INSERT INTO dept VALUES (1, 'Research'), (2, 'Sales'), (3, 'Empty');
INSERT INTO emp(name, dept, salary, note) VALUES
  ('Ada', 1, 1200.5, NULL),
  ('Brendan', 2, 990, x'414243'),
  ('Chloé', 1, 1e15, 'line one
line two'),
  ('Dmitri', NULL, 0.1, 'a,b "quoted"'),
  ('Eve', 2, -3.25, '');
`;

describe.skipIf(!haveSqlite)('hearth shell against sqlite3', () => {
  it('prints query results in list mode: values, NULLs, reals, blobs, joins, expressions, functions', () => {
    const out = expectSame(`${SCHEMA}
SELECT * FROM emp ORDER BY id;
SELECT e.name, d.name FROM emp e JOIN dept d ON e.dept = d.id WHERE e.salary > 100 ORDER BY e.name DESC;
SELECT e.name, d.name FROM emp e LEFT JOIN dept d ON d.id = e.dept ORDER BY 1;
SELECT upper(name), length(name), typeof(salary), round(salary, 1), salary * 2, id % 2 = 0 FROM emp ORDER BY id;
SELECT 1, 2.5, 1.0, -0.5, 1e100, 0.1 + 0.2, 1.0 / 3, 2e-7, 123456789.123456789, 9223372036854775807, 1e15, 1e16, 100.0;
SELECT printf('%5.2f|%d|%s', 3.14159, 42, 'x'), hex('é'), quote(x'00ff'), coalesce(NULL, 'dflt'), 'it''s';
SELECT x'410042', x'00ff', x'e282ac', NULL, '', 'tab\there';
SELECT DISTINCT dept FROM emp ORDER BY dept LIMIT 2 OFFSET 1;
SELECT name FROM emp WHERE note IS NULL OR note = '';
`);
    expect(out.stdout).toContain('1|Ada|1|1200.5|\n');
  });

  it('reports errors with sqlite3 wording, line numbers, excerpts and result codes, and keeps going', () => {
    const out = expectSame(`${SCHEMA}
SELECT * FROM nope;
SELECT nosuch FROM emp;
SELECT emp.nosuch FROM emp;
  SELECT name
  FROM emp
  WHERE bogus = 1;
SELECT nofunc(1);
SELECT abs(1, 2);
SELECT 1 +; SELECT 'skipped';
SELECT 'first'; SELECT 1 +;
SELECT 'a very long statement that goes on and on', 'and on and on', nothing_here FROM emp WHERE 1;
SELECT 'a long statement with the error late in it, well past fifty bytes' ||;
INSERT INTO dept VALUES (1, 'duplicate');
INSERT INTO dept VALUES (9, NULL);
INSERT INTO dept VALUES ('x', 'mismatch');
INSERT INTO dept(nocol) VALUES (1);
INSERT INTO dept VALUES (1);
CREATE TABLE dept(x);
SELECT "unterminated;
SELECT 'still running';
COMMIT;
BEGIN;
BEGIN;
ROLLBACK;
SELECT 'end';
`);
    expect(out.status).toBe(1);
    expect(out.stderr).toContain('no such table: nope');
  });

  it('splits statements across lines and joins several on one line; comments and blank lines', () => {
    expectSame(`
-- a comment line

SELECT 1; SELECT 2;;; SELECT 3;
SELECT
  4
  ;
SELECT 5 -- trailing ;
;
/* block
   comment */ SELECT 6;
#hash comment
SELECT 'semicolon; in a string', 1 AS "dq;";
SELECT 7 /* unfinished comment at the end
`);
  });

  it('reports incomplete input at the end, naming the line where the statement began', () => {
    expectSame('SELECT 1;\n\nSELECT (1,\n  2\n');
    expectSame("SELECT 1;\nSELECT 'open string\n");
  });

  it('runs dot-commands: headers, modes, separators, nullvalue, tables, schema, bail, quit', () => {
    expectSame(`${SCHEMA}
CREATE TABLE "odd name"(x);
create   table  lower_case (y);
.headers on
SELECT id, name, note FROM emp ORDER BY id;
SELECT 1 AS x WHERE 0;
.mode csv
SELECT id, name, note, salary FROM emp ORDER BY id;
SELECT x'00ff41' AS "blob col", 'é' AS accent, 'a''b' AS q, '<>' AS angle;
.separator ;
SELECT 'a;b', 'a,b';
.mode tabs
SELECT id, name FROM emp ORDER BY id;
.mode line
SELECT id, name, note FROM emp ORDER BY id LIMIT 3;
SELECT 1 AS longer_name, 2 AS b;
.mode list
.separator ", " "\\n--\\n"
SELECT id, name FROM emp WHERE id < 3;
.separator |
SELECT 'row separator kept';
.mode
.nullvalue (null)
SELECT note FROM emp ORDER BY id;
.nullvalue ''
.headers off
.mode
.tables
.tables e%
.tables nomatch
.schema
.schema emp
.schema nomatch
.head on
.sep ::
SELECT 'abbreviated', 'commands';
.bogus
.headers maybe
.headers
.separator
.mode fancy
.timer off
.print hello   world
PRAGMA user_version = 5;
PRAGMA user_version;
PRAGMA table_info(emp);
PRAGMA integrity_check;
SELECT 'before quit';
.quit
SELECT 'never printed';
`);
  });

  it('lays out .tables in columns', () => {
    const tables = Array.from({ length: 23 }, (_, i) => `CREATE TABLE t${'x'.repeat(i % 7)}${i}(a);`).join('\n');
    expectSame(`${tables}\n.tables\nCREATE TABLE a_much_longer_table_name_here(b);\n.tables\n`);
  });

  it('stops at the first error with -bail or .bail on, and exits with .exit N', () => {
    expectSame('SELECT 1;\nSELECT * FROM nope;\nSELECT 2;\n', ['-bail']);
    expectSame('.bail on\nSELECT 1;\nSELECT * FROM nope;\nSELECT 2;\n');
    expectSame('.bail on\n.bogus\nSELECT 2;\n');
    expectSame('SELECT 1;\n.exit 3\nSELECT 2;\n');
    expectSame('SELECT * FROM nope;\n.exit\n');
    expectSame('SELECT 1;\n.exit 0\n');
  });

  it('takes -header, -csv, -separator, -nullvalue, -cmd, and SQL as arguments', () => {
    expectSame('SELECT 1 AS a, NULL AS b, 2.5 AS c;\n', ['-header', '-csv']);
    expectSame('SELECT 1 AS a, NULL AS b;\n', ['-separator', ';;', '-nullvalue', 'N', '-cmd', '.headers on']);
    expectSame('', ['FILE', 'CREATE TABLE t(a); INSERT INTO t VALUES (1), (2);', 'SELECT a * 10 FROM t;', '.tables']);
    expectSame('', ['FILE', 'SELECT * FROM nope;', 'SELECT 2']);
    expectSame('', ['FILE', 'SELECT 1 +;']);
    expectSame('', ['FILE', 'CREATE TABLE t(a INTEGER PRIMARY KEY); INSERT INTO t VALUES (1); INSERT INTO t VALUES (1);', 'SELECT 3']);
    expectSame('', ['FILE', '.bogus', 'SELECT 4']);
    expectSame('SELECT 5;\n', ['-cmd', 'SELECT * FROM nope', 'FILE']);
    expectSame('', ['-cmd', '.bogus', 'FILE', 'SELECT 6']);
    expectSame('SELECT 1;\n', [':memory:'], true);
  });

  it('keeps what it wrote: a second run on the same file sees it, and sqlite3 reads the file Hearth wrote', () => {
    const file = join(dir, 'kept.db');
    const hearth = (script: string): Run => {
      const r = spawnSync(process.execPath, [hearthJs, file], { input: script });
      return { status: r.status, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
    };
    expect(hearth(`${SCHEMA}PRAGMA user_version = 7;\n`)).toEqual({ status: 0, stdout: '', stderr: '' });
    expect(hearth('SELECT name FROM emp ORDER BY id LIMIT 2;\nPRAGMA user_version;\n').stdout).toBe('Ada\nBrendan\n7\n');
    const r = spawnSync(SQLITE3, [file, 'PRAGMA integrity_check; SELECT count(*) FROM emp; PRAGMA journal_mode;']);
    expect(r.stdout.toString()).toBe('ok\n5\ndelete\n');
  });
});

describe('README shell example', () => {
  it('is a script whose output the README shows', () => {
    const readme = readFileSync(join(engineDir, '..', '..', 'README.md'), 'utf8');
    const section = /## The `hearth` shell[\s\S]*?```sh\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(section).toBeDefined();
    // The block is: a command line with a here-document, then the output as `# ` comment lines.
    const lines = section!.trimEnd().split('\n');
    const command = lines[0]!;
    const end = lines.indexOf('EOF');
    const script = lines.slice(1, end).join('\n') + '\n';
    const shown = lines
      .slice(end + 1)
      .map((l) => l.replace(/^# ?/, ''))
      .join('\n');
    expect(command).toBe("hearth todos.db <<'EOF'");
    if (!existsSync(hearthJs)) {
      const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
      execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: engineDir });
    }
    const r = spawnSync(process.execPath, [hearthJs, join(dir, 'readme-todos.db')], { input: script });
    expect({ status: r.status, output: (r.stdout.toString() + r.stderr.toString()).trimEnd() }).toEqual({ status: 1, output: shown });
  });
});
