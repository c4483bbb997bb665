/**
 * Schema statements: CREATE TABLE, INDEX, VIEW, TRIGGER and VIRTUAL TABLE, DROP, and ALTER TABLE
 * (sqlite.org/lang_createtable.html and the neighbouring pages), with column definitions and
 * column and table constraints.
 *
 * The grammar here is SQLite's, including its leniencies: a type name is any run of identifiers
 * and strings (so `INT GENERATED ALWAYS` reads as a type, whose last two words SQLite then drops),
 * table constraints need not be separated by commas, `CONSTRAINT name` names the constraint after
 * it, and table options are any names (unknown ones are refused as SQLite refuses them).
 */
import type {
  AlterTableStmt,
  CheckConstraint,
  ColumnConstraint,
  ColumnDef,
  ConflictResolution,
  CreateIndexStmt,
  CreateTableStmt,
  CreateTriggerStmt,
  CreateViewStmt,
  CreateVirtualTableStmt,
  Deferrable,
  DropStmt,
  Expr,
  ForeignKeyAction,
  ForeignKeyClause,
  Identifier,
  TableConstraint,
  TriggerStatement,
  TypeName,
} from './ast.js';
import { SqlSyntaxError } from './errors.js';
import { FALLBACK_TO_ID } from './keywords.js';
import { type Parser, isId, isNm } from './parser.js';
import { parseDelete, parseInsert, parseResolution, parseUpdate } from './parse-dml.js';
import {
  isLiteralStart,
  parseExpr,
  parseLiteral,
  parseOrderingTerms,
  parseTypeName,
} from './parse-expr.js';
import { isSelectStart, parseColumnNames, parseSelect } from './parse-select.js';
import type { TokenType } from './tokenizer.js';

/** The statements that begin with CREATE. */
type CreateStmt =
  | CreateTableStmt
  | CreateIndexStmt
  | CreateViewStmt
  | CreateTriggerStmt
  | CreateVirtualTableStmt;

/** Any CREATE statement, at CREATE. */
export function parseCreate(p: Parser): CreateStmt {
  const start = p.expect('CREATE').start;
  if (p.accept('VIRTUAL')) return parseCreateVirtualTable(p, start);
  if (p.accept('UNIQUE')) return parseCreateIndex(p, start, true);
  if (p.at('INDEX')) return parseCreateIndex(p, start, false);
  const temp = p.accept('TEMP');
  if (p.at('TABLE')) return parseCreateTable(p, start, temp);
  if (p.at('VIEW')) return parseCreateView(p, start, temp);
  if (p.at('TRIGGER')) return parseCreateTrigger(p, start, temp);
  return p.fail();
}

/** An optional `IF NOT EXISTS`. */
function parseIfNotExists(p: Parser): boolean {
  if (!p.accept('IF')) return false;
  p.expect('NOT');
  p.expect('EXISTS');
  return true;
}

/** `CREATE [TEMP] TABLE …`, at TABLE. */
function parseCreateTable(p: Parser, start: number, temp: boolean): CreateTableStmt {
  p.expect('TABLE');
  const ifNotExists = parseIfNotExists(p);
  const { schema, name } = p.qualifiedName();
  const stmt: CreateTableStmt = {
    kind: 'createTable', temp, ifNotExists, schema, name, columns: [], constraints: [],
    withoutRowid: false, strict: false, asSelect: null, start, end: start,
  };
  if (p.accept('AS')) {
    stmt.asSelect = parseSelect(p);
  } else {
    p.expect('(');
    stmt.columns.push(parseColumnDef(p));
    while (p.accept(',')) {
      if (isTableConstraintStart(p.tok.type)) {
        stmt.constraints = parseTableConstraints(p);
        break;
      }
      stmt.columns.push(parseColumnDef(p));
    }
    p.expect(')');
    parseTableOptions(p, stmt);
  }
  stmt.end = p.lastEnd;
  return stmt;
}

/**
 * Table options after the closing parenthesis: `WITHOUT ROWID` and `STRICT`. SQLite's grammar
 * separates them with commas and also accepts a comma before the first.
 */
function parseTableOptions(p: Parser, stmt: CreateTableStmt): void {
  if (p.at('WITHOUT') || isNm(p.tok.type)) parseTableOption(p, stmt);
  while (p.accept(',')) parseTableOption(p, stmt);
}

function parseTableOption(p: Parser, stmt: CreateTableStmt): void {
  const without = p.accept('WITHOUT');
  if (!isNm(p.tok.type)) p.fail();
  const option = p.advance();
  const word = p.text(option).toLowerCase();
  if (without && word === 'rowid') stmt.withoutRowid = true;
  else if (!without && word === 'strict') stmt.strict = true;
  else p.deferError(new SqlSyntaxError(`unknown table option: ${p.text(option)}`, option.start));
}

/** A column definition: `name [type] [constraints]`. */
export function parseColumnDef(p: Parser): ColumnDef {
  const start = p.tok.start;
  const name = p.nm();
  const type = columnType(parseTypeName(p));
  const constraints = parseColumnConstraints(p, name);
  return { name, type, constraints, start, end: p.lastEnd };
}

/**
 * The declared type of a column as SQLite records it: when the type text is at least 16 bytes and
 * ends in "always", that word and then a preceding "generated" are dropped (they were the start of
 * a GENERATED ALWAYS AS clause that the type name absorbed).
 */
function columnType(type: TypeName | null): TypeName | null {
  if (!type) return null;
  let text = type.text;
  if (utf8.encode(text).length >= 16 && text.slice(-6).toLowerCase() === 'always') {
    text = trimSpaceEnd(text.slice(0, -6));
    if (text.slice(-9).toLowerCase() === 'generated') text = trimSpaceEnd(text.slice(0, -9));
    if (text === '') return null;
  }
  return { kind: 'typeName', text, start: type.start, end: type.start + text.length };
}

const utf8 = new TextEncoder();

/** `s` without the trailing characters that SQLite counts as spaces. */
function trimSpaceEnd(s: string): string {
  return s.replace(/[ \t\n\v\f\r]+$/, '');
}

/** The constraints of column `column`, up to the first token that cannot begin another. */
function parseColumnConstraints(p: Parser, column: Identifier): ColumnConstraint[] {
  const list: ColumnConstraint[] = [];
  let name: Identifier | null = null;
  let start = p.tok.start;
  for (;;) {
    if (!name) start = p.tok.start;
    let c: ColumnConstraint;
    switch (p.tok.type) {
      case 'CONSTRAINT':
        start = p.advance().start;
        name = p.nm();
        continue;
      case 'DEFAULT':
        p.advance();
        c = { kind: 'default', name, value: parseDefaultValue(p), start, end: 0 };
        break;
      case 'NULL':
        p.advance();
        c = { kind: 'null', name, conflict: parseOnConflict(p), start, end: 0 };
        break;
      case 'NOT':
        p.advance();
        if (p.accept('NULL')) {
          c = { kind: 'notNull', name, conflict: parseOnConflict(p), start, end: 0 };
        } else {
          const deferrable = parseDeferrable(p, start, true);
          c = { kind: 'deferrable', name, deferrable, start, end: 0 };
        }
        break;
      case 'DEFERRABLE': {
        const deferrable = parseDeferrable(p, start, false);
        c = { kind: 'deferrable', name, deferrable, start, end: 0 };
        break;
      }
      case 'PRIMARY': {
        p.advance();
        p.expect('KEY');
        let order: 'ASC' | 'DESC' | null = null;
        if (p.accept('ASC')) order = 'ASC';
        else if (p.accept('DESC')) order = 'DESC';
        const conflict = parseOnConflict(p);
        const autoincrement = p.accept('AUTOINCREMENT');
        c = { kind: 'primaryKey', name, order, conflict, autoincrement, start, end: 0 };
        break;
      }
      case 'UNIQUE':
        p.advance();
        c = { kind: 'unique', name, conflict: parseOnConflict(p), start, end: 0 };
        break;
      case 'CHECK':
        p.advance();
        c = { kind: 'check', name, expr: parseParenExpr(p), conflict: null, start, end: 0 };
        break;
      case 'REFERENCES':
        c = { kind: 'references', name, foreignKey: parseForeignKeyClause(p), start, end: 0 };
        break;
      case 'COLLATE':
        p.advance();
        c = { kind: 'collate', name, collation: p.ids(), start, end: 0 };
        break;
      case 'GENERATED':
        p.advance();
        p.expect('ALWAYS');
        c = parseGenerated(p, column, name, start);
        break;
      case 'AS':
        c = parseGenerated(p, column, name, start);
        break;
      default:
        return list;
    }
    c.end = p.lastEnd;
    const previous = list[list.length - 1];
    const fk = previous?.kind === 'references' ? previous.foreignKey : null;
    if (c.kind === 'deferrable' && !name && previous && fk && !fk.deferrable) {
      fk.deferrable = c.deferrable;
      fk.end = c.end;
      previous.end = c.end;
    } else {
      list.push(c);
    }
    name = null;
  }
}

/**
 * The value of a DEFAULT: a literal, `+`/`-` and a literal, `(expr)`, or a bare name, which is the
 * string it spells, except TRUE and FALSE written bare, which are 1 and 0.
 */
function parseDefaultValue(p: Parser): Expr {
  const start = p.tok.start;
  if (p.at('(')) return parseParenExpr(p);
  if (p.at('+') || p.at('-')) {
    const op = p.advance().type as '+' | '-';
    const operand = parseLiteral(p);
    return { kind: 'unary', op, operand, start, end: p.lastEnd };
  }
  if (isLiteralStart(p.tok.type)) return parseLiteral(p);
  if (isId(p.tok.type)) {
    const id = p.identifier(p.advance());
    const word = id.quote ? '' : id.name.toLowerCase();
    if (word === 'true' || word === 'false') {
      return { kind: 'integer', text: word === 'true' ? '1' : '0', start, end: p.lastEnd };
    }
    return { kind: 'string', value: id.name, start, end: p.lastEnd };
  }
  return p.fail();
}

/** `(expr)`. */
function parseParenExpr(p: Parser): Expr {
  p.expect('(');
  const expr = parseExpr(p);
  p.expect(')');
  return expr;
}

/** `AS (expr) [STORED|VIRTUAL]`, at AS. */
function parseGenerated(p: Parser, column: Identifier, name: Identifier | null, start: number):
  ColumnConstraint {
  p.expect('AS');
  const expr = parseParenExpr(p);
  let storage: 'STORED' | 'VIRTUAL' | null = null;
  if (p.tok.type === 'ID' || FALLBACK_TO_ID.has(p.tok.type)) {
    const word = p.text(p.advance()).toUpperCase();
    if (word === 'STORED' || word === 'VIRTUAL') {
      storage = word;
    } else {
      const message = `error in generated column "${column.name}"`;
      p.deferError(new SqlSyntaxError(message, column.start));
    }
  }
  return { kind: 'generated', name, expr, storage, start, end: p.lastEnd };
}

/** An optional `ON CONFLICT resolution`. */
function parseOnConflict(p: Parser): ConflictResolution | null {
  if (!p.accept('ON')) return null;
  p.expect('CONFLICT');
  return parseResolution(p);
}

/** `REFERENCES table [(columns)] [ON DELETE|UPDATE|INSERT action | MATCH name]…`. */
function parseForeignKeyClause(p: Parser): ForeignKeyClause {
  const start = p.expect('REFERENCES').start;
  const table = p.nm();
  const columns = p.at('(') ? parseColumnNames(p) : null;
  const fk: ForeignKeyClause = {
    table, columns, onDelete: null, onUpdate: null, match: null, deferrable: null, start, end: 0,
  };
  for (;;) {
    if (p.accept('MATCH')) {
      fk.match = p.nm();
    } else if (p.accept('ON')) {
      const event = p.tok.type;
      if (event !== 'DELETE' && event !== 'UPDATE' && event !== 'INSERT') p.fail();
      p.advance();
      const action = parseForeignKeyAction(p);
      if (event === 'DELETE') fk.onDelete = action;
      else if (event === 'UPDATE') fk.onUpdate = action;
    } else {
      break;
    }
  }
  fk.end = p.lastEnd;
  return fk;
}

function parseForeignKeyAction(p: Parser): ForeignKeyAction {
  if (p.accept('SET')) {
    if (p.accept('NULL')) return 'SET NULL';
    p.expect('DEFAULT');
    return 'SET DEFAULT';
  }
  if (p.accept('CASCADE')) return 'CASCADE';
  if (p.accept('RESTRICT')) return 'RESTRICT';
  p.expect('NO');
  p.expect('ACTION');
  return 'NO ACTION';
}

/** `[NOT] DEFERRABLE [INITIALLY …]`, at DEFERRABLE: any NOT, from `start`, is consumed. */
function parseDeferrable(p: Parser, start: number, not: boolean): Deferrable {
  p.expect('DEFERRABLE');
  let initially: 'DEFERRED' | 'IMMEDIATE' | null = null;
  if (p.accept('INITIALLY')) {
    if (p.accept('DEFERRED')) initially = 'DEFERRED';
    else {
      p.expect('IMMEDIATE');
      initially = 'IMMEDIATE';
    }
  }
  return { not, initially, start, end: p.lastEnd };
}

function isTableConstraintStart(t: TokenType): boolean {
  return (
    t === 'CONSTRAINT' || t === 'PRIMARY' || t === 'UNIQUE' || t === 'CHECK' || t === 'FOREIGN'
  );
}

/** Table constraints, separated by commas or nothing, up to the closing parenthesis. */
function parseTableConstraints(p: Parser): TableConstraint[] {
  const list: TableConstraint[] = [];
  let name: Identifier | null = null;
  let start = p.tok.start;
  for (;;) {
    if (!name) start = p.tok.start;
    let c: TableConstraint;
    switch (p.tok.type) {
      case 'CONSTRAINT':
        start = p.advance().start;
        name = p.nm();
        if (p.accept(',')) name = null;
        else if (!isTableConstraintStart(p.tok.type)) return list;
        continue;
      case 'PRIMARY': {
        p.advance();
        p.expect('KEY');
        p.expect('(');
        const columns = parseOrderingTerms(p);
        const autoincrement = p.accept('AUTOINCREMENT');
        p.expect(')');
        const conflict = parseOnConflict(p);
        c = { kind: 'primaryKey', name, columns, autoincrement, conflict, start, end: 0 };
        break;
      }
      case 'UNIQUE': {
        p.advance();
        p.expect('(');
        const columns = parseOrderingTerms(p);
        p.expect(')');
        c = { kind: 'unique', name, columns, conflict: parseOnConflict(p), start, end: 0 };
        break;
      }
      case 'CHECK': {
        p.advance();
        const expr = parseParenExpr(p);
        c = { kind: 'check', name, expr, conflict: parseOnConflict(p), start, end: 0 };
        break;
      }
      case 'FOREIGN': {
        p.advance();
        p.expect('KEY');
        const columns = parseColumnNames(p);
        const foreignKey = parseForeignKeyClause(p);
        const deferStart = p.tok.start;
        if (p.at('DEFERRABLE') || p.at('NOT')) {
          const not = p.accept('NOT');
          foreignKey.deferrable = parseDeferrable(p, deferStart, not);
          foreignKey.end = p.lastEnd;
        }
        c = { kind: 'foreignKey', name, columns, foreignKey, start, end: 0 };
        break;
      }
      default:
        return p.fail();
    }
    c.end = p.lastEnd;
    list.push(c);
    name = null;
    if (!p.accept(',') && !isTableConstraintStart(p.tok.type)) return list;
  }
}

/** `CREATE [UNIQUE] INDEX …`, at INDEX. */
function parseCreateIndex(p: Parser, start: number, unique: boolean): CreateIndexStmt {
  p.expect('INDEX');
  const ifNotExists = parseIfNotExists(p);
  const { schema, name } = p.qualifiedName();
  p.expect('ON');
  const table = p.nm();
  p.expect('(');
  const columns = parseOrderingTerms(p);
  p.expect(')');
  const where = p.accept('WHERE') ? parseExpr(p) : null;
  return {
    kind: 'createIndex', unique, ifNotExists, schema, name, table, columns, where, start,
    end: p.lastEnd,
  };
}

/** `CREATE [TEMP] VIEW …`, at VIEW. */
function parseCreateView(p: Parser, start: number, temp: boolean): CreateViewStmt {
  p.expect('VIEW');
  const ifNotExists = parseIfNotExists(p);
  const { schema, name } = p.qualifiedName();
  const columns = p.at('(') ? parseColumnNames(p) : null;
  p.expect('AS');
  const select = parseSelect(p);
  const end = p.lastEnd;
  return { kind: 'createView', temp, ifNotExists, schema, name, columns, select, start, end };
}

/** `CREATE [TEMP] TRIGGER …`, at TRIGGER. */
function parseCreateTrigger(p: Parser, start: number, temp: boolean): CreateTriggerStmt {
  p.expect('TRIGGER');
  const ifNotExists = parseIfNotExists(p);
  const { schema, name } = p.qualifiedName();
  let timing: CreateTriggerStmt['timing'] = null;
  if (p.accept('BEFORE')) timing = 'BEFORE';
  else if (p.accept('AFTER')) timing = 'AFTER';
  else if (p.accept('INSTEAD')) {
    p.expect('OF');
    timing = 'INSTEAD OF';
  }
  const event = p.tok.type;
  if (event !== 'DELETE' && event !== 'INSERT' && event !== 'UPDATE') return p.fail();
  p.advance();
  let columns: Identifier[] | null = null;
  if (event === 'UPDATE' && p.accept('OF')) {
    columns = [p.nm()];
    while (p.accept(',')) columns.push(p.nm());
  }
  p.expect('ON');
  const table = p.qualifiedName();
  let forEachRow = false;
  if (p.accept('FOR')) {
    p.expect('EACH');
    p.expect('ROW');
    forEachRow = true;
  }
  const when = p.accept('WHEN') ? parseExpr(p) : null;
  p.expect('BEGIN');
  const body: TriggerStatement[] = [];
  p.inTrigger = true;
  do {
    body.push(parseTriggerStatement(p));
    p.expect(';');
  } while (!p.at('END'));
  p.inTrigger = false;
  p.advance();
  return {
    kind: 'createTrigger', temp, ifNotExists, schema, name, timing, event, columns,
    tableSchema: table.schema, table: table.name, forEachRow, when, body, start, end: p.lastEnd,
  };
}

/** One statement of a trigger body: INSERT, REPLACE, UPDATE, DELETE or a select. */
function parseTriggerStatement(p: Parser): TriggerStatement {
  const start = p.tok.start;
  switch (p.tok.type) {
    case 'INSERT':
    case 'REPLACE':
      return parseInsert(p, start, null);
    case 'UPDATE':
      return parseUpdate(p, start, null);
    case 'DELETE':
      return parseDelete(p, start, null);
    default:
      if (!isSelectStart(p.tok.type)) return p.fail();
      return parseSelect(p);
  }
}

/** `CREATE VIRTUAL TABLE … USING module [(args)]`, after VIRTUAL. */
function parseCreateVirtualTable(p: Parser, start: number): CreateVirtualTableStmt {
  p.expect('TABLE');
  const ifNotExists = parseIfNotExists(p);
  const { schema, name } = p.qualifiedName();
  p.expect('USING');
  const module = p.nm();
  const args: string[] = [];
  if (p.accept('(')) {
    let argStart = -1;
    let depth = 0;
    for (;;) {
      const t = p.tok;
      if (t.type === 'EOF') p.fail();
      if (depth === 0 && (t.type === ')' || t.type === ',')) {
        if (argStart >= 0) args.push(p.sql.slice(argStart, p.lastEnd));
        argStart = -1;
        p.advance();
        if (t.type === ')') break;
        continue;
      }
      if (argStart < 0) argStart = t.start;
      if (t.type === '(') depth++;
      else if (t.type === ')') depth--;
      p.advance();
    }
  }
  return {
    kind: 'createVirtualTable', ifNotExists, schema, name, module, args, start, end: p.lastEnd,
  };
}

/** `DROP TABLE|INDEX|VIEW|TRIGGER [IF EXISTS] [schema.]name`, at DROP. */
export function parseDrop(p: Parser): DropStmt {
  const start = p.expect('DROP').start;
  const object = p.tok.type;
  if (object !== 'TABLE' && object !== 'INDEX' && object !== 'VIEW' && object !== 'TRIGGER') {
    return p.fail();
  }
  p.advance();
  let ifExists = false;
  if (p.accept('IF')) {
    p.expect('EXISTS');
    ifExists = true;
  }
  const { schema, name } = p.qualifiedName();
  return { kind: 'drop', object, ifExists, schema, name, start, end: p.lastEnd };
}

/** `ALTER TABLE [schema.]table …`, at ALTER. */
export function parseAlterTable(p: Parser): AlterTableStmt {
  const start = p.expect('ALTER').start;
  p.expect('TABLE');
  const { schema, name } = p.qualifiedName();
  const actionStart = p.tok.start;
  const span = (): { start: number; end: number } => ({ start: actionStart, end: p.lastEnd });
  let action: AlterTableStmt['action'];
  if (p.accept('RENAME')) {
    if (p.accept('TO')) {
      action = { kind: 'renameTable', newName: p.nm(), ...span() };
    } else {
      p.accept('COLUMN');
      const column = p.nm();
      p.expect('TO');
      action = { kind: 'renameColumn', column, newName: p.nm(), ...span() };
    }
  } else if (p.accept('ADD')) {
    if (p.at('CONSTRAINT') || p.at('CHECK')) {
      action = { kind: 'addConstraint', constraint: parseAddedCheck(p), ...span() };
    } else {
      p.accept('COLUMN');
      action = { kind: 'addColumn', column: parseColumnDef(p), ...span() };
    }
  } else if (p.accept('DROP')) {
    if (p.accept('CONSTRAINT')) {
      action = { kind: 'dropConstraint', name: p.nm(), ...span() };
    } else {
      p.accept('COLUMN');
      action = { kind: 'dropColumn', column: p.nm(), ...span() };
    }
  } else {
    p.expect('ALTER');
    p.accept('COLUMN');
    const column = p.nm();
    if (p.accept('SET')) {
      p.expect('NOT');
      p.expect('NULL');
      action = { kind: 'setNotNull', column, conflict: parseOnConflict(p), ...span() };
    } else {
      p.expect('DROP');
      p.expect('NOT');
      p.expect('NULL');
      action = { kind: 'dropNotNull', column, ...span() };
    }
  }
  return { kind: 'alterTable', schema, table: name, action, start, end: p.lastEnd };
}

/** `[CONSTRAINT name] CHECK (expr) [ON CONFLICT …]` of ALTER TABLE ADD. */
function parseAddedCheck(p: Parser): CheckConstraint {
  const start = p.tok.start;
  const name = p.accept('CONSTRAINT') ? p.nm() : null;
  p.expect('CHECK');
  const expr = parseParenExpr(p);
  const conflict = parseOnConflict(p);
  return { kind: 'check', name, expr, conflict, start, end: p.lastEnd };
}
