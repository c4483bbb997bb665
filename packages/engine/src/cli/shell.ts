/**
 * The `hearth` shell's interpreter: reads a script line by line and behaves as Debian's sqlite3 3.40
 * does with input that is not a terminal.
 *
 * Lines collect into a buffer until one ends a complete statement (its last token, outside strings
 * and comments, is `;`); the buffer then runs statement by statement. A line starting with `.` (or
 * `#`) while the buffer is empty is a dot-command (or a comment); a blank or comment-only line there
 * is skipped. A failing statement abandons the rest of its buffer; errors are counted, and with
 * `.bail on` the first one ends the script. Errors name the line where the buffer began.
 *
 * Output is bytes (a BLOB is written raw); `out` receives stdout, `err` stderr, in order.
 */
import type { Database } from '../api/database.js';
import { Bindings } from '../exec/expr.js';
import { compileStatement } from '../exec/program.js';
import { readSchema } from '../schema/schema.js';
import { parseOne } from '../sql/index.js';
import { readToken } from '../sql/tokenizer.js';
import { errorContext, errorMessage, errorOffset, isPrepareError, resultCode } from './errors.js';
import { bytesOf, csvField, pad, tableColumns, valueBytes } from './format.js';

type Mode = 'list' | 'csv' | 'line';

/** A non-NULL value as rows read with safe integers hold it. */
type Value = bigint | number | string | Uint8Array;

/** What running the script asks of the caller at the end. */
export type Outcome = { exitCode: number };

const MODES = 'ascii box column csv html insert json line list markdown qbox quote table tabs tcl';

/** Whether `sql` ends with a complete statement: its last token outside comments is `;`. */
export function endsStatement(sql: string): boolean {
  let last = '';
  for (let pos = 0; pos < sql.length; ) {
    const t = readToken(sql, pos);
    if (t.type === 'EOF') break;
    if (t.type === 'COMMENT') {
      if (sql.startsWith('/*', t.start) && !sql.slice(t.start + 2, t.end).endsWith('*/')) return false;
    } else if (t.type !== 'SPACE') {
      last = t.type;
    }
    pos = t.end;
  }
  return last === ';';
}

/** Whether a line holds nothing but white space and comments. */
function isBlank(line: string): boolean {
  for (let pos = 0; pos < line.length; ) {
    const t = readToken(line, pos);
    if (t.type === 'EOF') return true;
    if (t.type !== 'SPACE' && t.type !== 'COMMENT') return false;
    if (t.type === 'COMMENT' && line.startsWith('/*', t.start) && !line.slice(t.start + 2, t.end).endsWith('*/')) return false;
    pos = t.end;
  }
  return true;
}

/** The arguments of a dot-command line, split and unquoted as sqlite3 does. */
export function dotArguments(line: string): string[] {
  const args: string[] = [];
  let i = 1;
  while (i < line.length) {
    while (i < line.length && /\s/.test(line[i]!)) i++;
    if (i >= line.length) break;
    const quote = line[i];
    if (quote === '"' || quote === "'") {
      let j = ++i;
      while (j < line.length && line[j] !== quote) j += line[j] === '\\' && quote === '"' && j + 1 < line.length ? 2 : 1;
      const raw = line.slice(i, j);
      args.push(quote === '"' ? unescape(raw) : raw);
      i = j + 1;
    } else {
      let j = i;
      while (j < line.length && !/\s/.test(line[j]!)) j++;
      args.push(unescape(line.slice(i, j)));
      i = j;
    }
  }
  return args;
}

const ESCAPES: Record<string, string> = { a: '\x07', b: '\b', e: '\x1b', f: '\f', n: '\n', r: '\r', s: ' ', t: '\t', v: '\v', '"': '"', "'": "'", '\\': '\\' };

/** Backslash escapes as sqlite3 resolves them in dot-command arguments. */
function unescape(s: string): string {
  return s.replace(/\\([0-7]{1,3}|.)/g, (all, c: string) => {
    if (/^[0-7]/.test(c)) return String.fromCharCode(parseInt(c, 8));
    return ESCAPES[c] ?? all;
  });
}

/** sqlite3's booleans: on/yes/true and off/no/false, or a number. */
function booleanArg(arg: string, err: (s: string) => void): boolean {
  const a = arg.toLowerCase();
  if (/^-?[0-9]+$/.test(a)) return Number(a) !== 0;
  if (a === 'on' || a === 'yes' || a === 'true') return true;
  if (a === 'off' || a === 'no' || a === 'false') return false;
  err(`ERROR: Not a boolean value: "${arg}". Assuming "no".\n`);
  return false;
}

/** SQL LIKE with `%` and `_`, ASCII case-insensitive (for `.tables` and `.schema` patterns). */
function like(pattern: string, s: string): boolean {
  const re = pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%/g, '.*').replace(/_/g, '.');
  return new RegExp(`^${re}$`, 'is').test(s);
}

/** Signals `.quit` and `.exit` out of the line loop. */
class Exit {
  constructor(readonly code: number | null) {}
}

export class Shell {
  mode: Mode = 'list';
  headers = false;
  bail = false;
  colSeparator = '|';
  rowSeparator = '\n';
  nullValue = '';
  private errors = 0;
  /** Primary result code of the last failed statement. */
  private lastCode = 0;

  constructor(
    private readonly db: Database,
    private readonly out: (bytes: Uint8Array) => void,
    private readonly err: (text: string) => void,
  ) {}

  /** Whether some statement or command has failed. */
  get failed(): boolean {
    return this.errors > 0;
  }

  /**
   * Runs a dot-command or SQL given on the command line: with `-cmd` (errors reported, not counted)
   * or after the file name (the first error ends the shell, with the failing statement's result code).
   * Errors are worded as sqlite3 words them there: "Error: in prepare, …" or "Error: stepping, …".
   */
  command(text: string, fromCmd: boolean): Outcome | null {
    const errors = this.errors;
    try {
      if (text.startsWith('.')) {
        if (!this.dotCommand(text)) this.errors++;
      } else {
        this.runBuffer(text, 0);
      }
    } catch (e) {
      if (e instanceof Exit) return { exitCode: e.code ?? (this.errors > 0 ? 1 : 0) };
      throw e;
    }
    if (this.errors === errors) return null;
    if (fromCmd) {
      this.errors = errors;
      return null;
    }
    return { exitCode: text.startsWith('.') ? 1 : this.lastCode };
  }

  /** Runs a whole script; returns the exit status sqlite3 would have. */
  run(script: string): Outcome {
    const lines = script.split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    let buffer = '';
    let startLine = 0;
    try {
      for (let n = 0; n < lines.length; n++) {
        const line = lines[n]!;
        if (buffer === '') {
          if (line.startsWith('.')) {
            if (!this.dotCommand(line)) {
              this.errors++;
              if (this.bail) return { exitCode: 1 };
            }
            continue;
          }
          if (line.startsWith('#') || isBlank(line)) continue;
          buffer = line.trimStart();
          startLine = n + 1;
        } else {
          buffer += '\n' + line;
        }
        if (endsStatement(buffer)) {
          const ok = this.runBuffer(buffer, startLine);
          buffer = '';
          if (!ok && this.bail) return { exitCode: 1 };
        }
      }
      if (buffer !== '' && !isBlank(buffer)) {
        if (!this.runBuffer(buffer, startLine) && this.bail) return { exitCode: 1 };
      }
    } catch (e) {
      if (e instanceof Exit) return { exitCode: e.code ?? (this.errors > 0 ? 1 : 0) };
      throw e;
    }
    return { exitCode: this.errors > 0 ? 1 : 0 };
  }

  // ---- SQL ------------------------------------------------------------------------------------------

  /**
   * Runs the statements of `buffer` until one fails; returns whether all succeeded. `line` is where
   * the buffer began in the script, 0 for SQL from the command line.
   */
  private runBuffer(buffer: string, line: number): boolean {
    for (let from = 0; ; ) {
      while (from < buffer.length && /\s/.test(buffer[from]!)) from++;
      const sqlFrom = buffer.slice(from);
      let parsed;
      try {
        parsed = parseOne(sqlFrom);
      } catch (e) {
        return this.fail('Parse', e, sqlFrom, line);
      }
      if (!parsed.stmt) return true;
      const text = sqlFrom.slice(0, parsed.end);
      const params = new Array<null>(parsed.parameters.length).fill(null);
      const db = this.db;
      try {
        const ast = parsed.stmt;
        if (ast.kind !== 'begin' && ast.kind !== 'commit' && ast.kind !== 'rollback') {
          // Compile once up front, so that what SQLite finds while preparing is reported as such.
          db.within(true, () =>
            compileStatement(ast, { sql: text, catalog: db.currentCatalog(), bindings: new Bindings(), functions: db.functionContext, connection: db.pragmaHost }),
          );
        }
      } catch (e) {
        return this.fail('Parse', e, sqlFrom, line);
      }
      try {
        const stmt = db.prepare(text);
        if (stmt.reader) this.printRows(stmt.columns().map((c) => c.name), stmt.raw(true).safeIntegers(true).iterate(...params) as Iterable<unknown[]>);
        else stmt.run(...params);
      } catch (e) {
        return this.fail(isPrepareError(e) ? 'Parse' : 'Runtime', e, sqlFrom, line);
      }
      from += parsed.end;
    }
  }

  private fail(phase: 'Parse' | 'Runtime', e: unknown, sql: string, line: number): false {
    const context = phase === 'Parse' ? errorContext(sql, errorOffset(e, sql)) : '';
    const prefix = line > 0 ? `${phase} error near line ${line}:` : phase === 'Parse' ? 'Error: in prepare,' : 'Error: stepping,';
    this.err(`${prefix} ${errorMessage(e)}${context}\n`);
    this.errors++;
    this.lastCode = resultCode(e);
    return false;
  }

  private printRows(names: string[], rows: Iterable<unknown[]>): void {
    let count = 0;
    const col = bytesOf(this.colSeparator);
    const rowSep = bytesOf(this.rowSeparator);
    const nul = bytesOf(this.nullValue);
    const width = Math.max(5, ...names.map((n) => bytesOf(n).length));
    for (const row of rows) {
      if (this.mode === 'line') {
        if (count > 0) this.out(rowSep);
        for (let i = 0; i < names.length; i++) {
          this.out(bytesOf(`${pad(names[i]!, width, true)} = `));
          this.out(row[i] === null ? nul : valueBytes(row[i] as Value));
          this.out(rowSep);
        }
      } else {
        const field = this.mode === 'csv' ? (b: Uint8Array) => csvField(b, col) : (b: Uint8Array) => b;
        if (count === 0 && this.headers) this.writeRow(names.map((n) => field(bytesOf(n))), col, rowSep);
        this.writeRow(row.map((v) => (v === null ? nul : field(valueBytes(v as Value)))), col, rowSep);
      }
      count++;
    }
  }

  private writeRow(fields: Uint8Array[], col: Uint8Array, rowSep: Uint8Array): void {
    fields.forEach((f, i) => {
      if (i > 0) this.out(col);
      this.out(f);
    });
    this.out(rowSep);
  }

  // ---- dot-commands -------------------------------------------------------------------------------

  /** Runs a dot-command; returns false when it failed (which counts as an error). */
  private dotCommand(line: string): boolean {
    const args = dotArguments(line);
    if (args.length === 0) return true;
    const name = args[0]!;
    const is = (full: string, min: number): boolean => name.length >= min && full.startsWith(name);
    const usage = (text: string): false => {
      this.err(`Usage: ${text}\n`);
      return false;
    };
    if (is('bail', 2)) {
      if (args.length !== 2) return usage('.bail on|off');
      this.bail = booleanArg(args[1]!, this.err);
    } else if (is('exit', 2) || is('quit', 1)) {
      const code = name.startsWith('e') && args.length > 1 ? Number.parseInt(args[1]!, 10) || 0 : 0;
      throw new Exit(code !== 0 ? code : null);
    } else if (is('headers', 2)) {
      if (args.length !== 2) return usage('.headers on|off');
      this.headers = booleanArg(args[1]!, this.err);
    } else if (is('mode', 1)) {
      return this.setMode(args[1]);
    } else if (is('nullvalue', 2)) {
      if (args.length !== 2) return usage('.nullvalue STRING');
      this.nullValue = args[1]!;
    } else if (is('print', 2)) {
      this.out(bytesOf(args.slice(1).join(' ') + '\n'));
    } else if (is('separator', 3)) {
      if (args.length < 2 || args.length > 3) return usage('.separator COL ?ROW?');
      this.colSeparator = args[1]!;
      if (args.length === 3) this.rowSeparator = args[2]!;
    } else if (is('schema', 2)) {
      this.printSchema(args[1]);
    } else if (is('tables', 2)) {
      this.printTables(args[1]);
    } else if (is('timer', 5)) {
      if (args.length !== 2) return usage('.timer on|off');
    } else {
      this.err(`Error: unknown command or invalid arguments:  "${name}". Enter ".help" for help\n`);
      return false;
    }
    return true;
  }

  private setMode(mode: string | undefined): boolean {
    if (mode === undefined) {
      // sqlite3 names the mode, then sets it again, which resets its separators.
      this.out(bytesOf(`current output mode: ${this.mode}\n`));
      mode = this.mode;
    }
    switch (mode) {
      case 'list':
        this.colSeparator = '|';
        this.rowSeparator = '\n';
        break;
      case 'csv':
        this.colSeparator = ',';
        this.rowSeparator = '\r\n';
        break;
      case 'tabs':
        this.colSeparator = '\t';
        this.mode = 'list';
        return true;
      case 'line':
        this.rowSeparator = '\n';
        break;
      default:
        this.err(`Error: mode should be one of: ${MODES}\n`);
        return false;
    }
    this.mode = mode;
    return true;
  }

  private schemaEntries() {
    return this.db.within(true, () => readSchema(this.db.btree)).filter((e) => !e.name.toLowerCase().startsWith('sqlite_'));
  }

  private printTables(pattern: string | undefined): void {
    const names = this.schemaEntries()
      .filter((e) => (e.type === 'table' || e.type === 'view') && (pattern === undefined || like(pattern, e.name)))
      .map((e) => e.name)
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    this.out(bytesOf(tableColumns(names)));
  }

  private printSchema(pattern: string | undefined): void {
    let text = '';
    for (const e of this.schemaEntries()) {
      if (e.sql === null || (pattern !== undefined && !like(pattern, e.name) && !like(pattern, e.tblName))) continue;
      let sql = e.sql;
      // A statement ending in a comment gets what closes it before the ";".
      if (sql.includes('/*') || sql.includes('--')) sql = ['', '*/', '\n'].map((t) => sql + t).find((s) => endsStatement(s + ';')) ?? sql;
      text += (/^CREATE TABLE ['"]/.test(sql) ? `CREATE TABLE IF NOT EXISTS ${sql.slice(13)}` : sql) + ';\n';
    }
    this.out(bytesOf(text));
  }
}
