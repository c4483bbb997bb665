/**
 * The abstract syntax tree the parser builds: one node type per construct of SQLite's SQL
 * (sqlite.org/lang.html), for the planner and executor to consume.
 *
 * Conventions kept by every node:
 * - Nodes that can stand in the same place form a union discriminated by `kind`.
 * - `start`/`end` give the node's place [start, end) in the SQL text, in UTF-16 code units, from
 *   its first token to its last. A parenthesized expression is the expression inside, whose span
 *   leaves the parentheses out; a node around it, as in `(a + b) * c`, takes them in. A result
 *   column without an alias spans the text SQLite names the column by.
 * - Names are `Identifier`s with the spelling as written (quotes removed, case kept) and the quote
 *   used, so that later stages compare names as SQLite does and can tell a "double-quoted"
 *   identifier from a string.
 * - Literals are kept exactly: numbers as their text (the executor decides between integer and
 *   real, and handles hex and overflow, as SQLite does), strings unescaped, blobs as bytes.
 * - Parts that are absent are null (or an empty list when absence and emptiness mean the same).
 * - Nothing is resolved or checked against a schema here.
 */

/** A node's place in the SQL text: [start, end) in UTF-16 code units. */
export interface Span {
  start: number;
  end: number;
}

/** The quote an identifier was written with. `'` is a string literal used as a name. */
export type QuoteChar = '"' | "'" | '`' | '[';

/** A name: spelled as written without its quotes (doubled quote characters collapsed). */
export interface Identifier extends Span {
  kind: 'identifier';
  name: string;
  /** The opening quote character, or null for a bare name (or a keyword used as a name). */
  quote: QuoteChar | null;
}

// ---------------------------------------------------------------------------------------------
// Expressions

/** Any expression. */
export type Expr =
  | ColumnRef
  | IntegerLiteral
  | FloatLiteral
  | StringLiteral
  | BlobLiteral
  | NullLiteral
  | CurrentTimeLiteral
  | Variable
  | UnaryExpr
  | BinaryExpr
  | LikeExpr
  | BetweenExpr
  | InExpr
  | IsNullExpr
  | CollateExpr
  | CastExpr
  | CaseExpr
  | FunctionCall
  | ExistsExpr
  | SubqueryExpr
  | RowValue
  | RaiseExpr;

/**
 * A name used as a value: `column`, `table.column` or `schema.table.column`. A bare name may
 * also turn out to be TRUE, FALSE, a "double-quoted" string or an alias; the planner decides.
 */
export interface ColumnRef extends Span {
  kind: 'column';
  schema: Identifier | null;
  table: Identifier | null;
  column: Identifier;
}

/**
 * A number written without a fraction or exponent: decimal digits, or hex `0x…`. `text` has any
 * `_` digit separators removed. A decimal literal too big for 64 bits becomes a REAL value.
 */
export interface IntegerLiteral extends Span {
  kind: 'integer';
  text: string;
}

/** A number written with a fraction or exponent; `text` has any `_` separators removed. */
export interface FloatLiteral extends Span {
  kind: 'float';
  text: string;
}

/** A '…' string literal; `value` has each '' collapsed to '. */
export interface StringLiteral extends Span {
  kind: 'string';
  value: string;
}

/** An x'…' blob literal. */
export interface BlobLiteral extends Span {
  kind: 'blob';
  value: Uint8Array;
}

/** NULL. */
export interface NullLiteral extends Span {
  kind: 'null';
}

/** CURRENT_TIME, CURRENT_DATE or CURRENT_TIMESTAMP. */
export interface CurrentTimeLiteral extends Span {
  kind: 'currentTime';
  keyword: 'CURRENT_TIME' | 'CURRENT_DATE' | 'CURRENT_TIMESTAMP';
}

/**
 * A parameter. `name` is the token as written (`?`, `?3`, `:a`, `@a`, `$a`, `#a`); `index` is
 * the 1-based number SQLite gives it within its statement: `?NNN` is NNN, a name seen before
 * shares its earlier number, and anything else takes one more than the largest number so far.
 */
export interface Variable extends Span {
  kind: 'variable';
  name: string;
  index: number;
}

/** `-x`, `+x`, `~x` or `NOT x`. */
export interface UnaryExpr extends Span {
  kind: 'unary';
  op: '-' | '+' | '~' | 'NOT';
  operand: Expr;
}

/**
 * A binary operator. Spellings are normalized: `==` is `=`, `<>` is `!=`, `IS NOT DISTINCT FROM`
 * is `IS`, and `IS DISTINCT FROM` is `IS NOT` (they mean the same to SQLite).
 */
export interface BinaryExpr extends Span {
  kind: 'binary';
  op: BinaryOp;
  left: Expr;
  right: Expr;
}

/** The operators of `BinaryExpr`. */
export type BinaryOp =
  | '||' | '->' | '->>' | '*' | '/' | '%' | '+' | '-' | '&' | '|' | '<<' | '>>'
  | '<' | '<=' | '>' | '>=' | '=' | '!=' | 'IS' | 'IS NOT' | 'AND' | 'OR';

/** `left [NOT] LIKE|GLOB|REGEXP|MATCH right [ESCAPE escape]`; `right` is the pattern. */
export interface LikeExpr extends Span {
  kind: 'like';
  op: 'LIKE' | 'GLOB' | 'REGEXP' | 'MATCH';
  not: boolean;
  left: Expr;
  right: Expr;
  escape: Expr | null;
}

/** `operand [NOT] BETWEEN low AND high`. */
export interface BetweenExpr extends Span {
  kind: 'between';
  not: boolean;
  operand: Expr;
  low: Expr;
  high: Expr;
}

/** `operand [NOT] IN (…)`, `… IN (SELECT …)` or `… IN [schema.]table[(args)]`. */
export interface InExpr extends Span {
  kind: 'in';
  not: boolean;
  operand: Expr;
  values: InList | Select | InTable;
}

/** The parenthesized list of an IN; it may be empty. */
export interface InList extends Span {
  kind: 'list';
  items: Expr[];
}

/** The table or table-valued function named on the right of an IN. */
export interface InTable extends Span {
  kind: 'inTable';
  schema: Identifier | null;
  name: Identifier;
  /** The arguments of a table-valued function, or null for a plain table. */
  args: Expr[] | null;
}

/** `x ISNULL`, `x NOTNULL` or `x NOT NULL` (`x IS NULL` is a `BinaryExpr`). */
export interface IsNullExpr extends Span {
  kind: 'isNull';
  not: boolean;
  operand: Expr;
}

/** `operand COLLATE collation`. */
export interface CollateExpr extends Span {
  kind: 'collate';
  operand: Expr;
  collation: Identifier;
}

/** `CAST(operand AS type)`; the type may be left out (`CAST(x AS)`). */
export interface CastExpr extends Span {
  kind: 'cast';
  operand: Expr;
  type: TypeName | null;
}

/** `CASE [operand] WHEN … THEN … [ELSE …] END`. */
export interface CaseExpr extends Span {
  kind: 'case';
  operand: Expr | null;
  whens: CaseWhen[];
  else: Expr | null;
}

/** One `WHEN when THEN then` of a CASE. */
export interface CaseWhen extends Span {
  when: Expr;
  then: Expr;
}

/**
 * A function call: `name(args)`, `name(DISTINCT args)`, `name(*)`, with an optional ORDER BY
 * inside the parentheses (for aggregates), FILTER clause and OVER clause. `ALL` is the default and
 * is not recorded.
 */
export interface FunctionCall extends Span {
  kind: 'function';
  name: Identifier;
  distinct: boolean;
  /** True for `name(*)`; `args` is then empty. */
  star: boolean;
  args: Expr[];
  orderBy: OrderingTerm[];
  filter: Expr | null;
  over: WindowSpec | Identifier | null;
}

/** `EXISTS (select)`; `NOT EXISTS` is a `UnaryExpr` around it. */
export interface ExistsExpr extends Span {
  kind: 'exists';
  select: Select;
}

/** `(select)` used as a value. */
export interface SubqueryExpr extends Span {
  kind: 'subquery';
  select: Select;
}

/** A row value `(a, b, …)` of two or more expressions. */
export interface RowValue extends Span {
  kind: 'row';
  items: Expr[];
}

/** `RAISE(IGNORE)` or `RAISE(ROLLBACK|ABORT|FAIL, message)`. */
export interface RaiseExpr extends Span {
  kind: 'raise';
  action: 'IGNORE' | 'ROLLBACK' | 'ABORT' | 'FAIL';
  message: Expr | null;
}

/**
 * A type name as in `VARCHAR(10)` or `DOUBLE PRECISION`: `text` is the source text from its first
 * token to its last, as SQLite keeps it (SQLite dequotes it when it starts with a quote). In a
 * column definition, trailing `GENERATED ALWAYS` words are dropped as SQLite drops them.
 */
export interface TypeName extends Span {
  kind: 'typeName';
  text: string;
}

/** One term of an ORDER BY, of an index's or key's column list, or of an upsert target. */
export interface OrderingTerm extends Span {
  /** The expression; a COLLATE in the term is part of it. */
  expr: Expr;
  order: 'ASC' | 'DESC' | null;
  nulls: 'FIRST' | 'LAST' | null;
}

/** A window: `OVER (…)` or the body of a WINDOW clause entry. */
export interface WindowSpec extends Span {
  kind: 'window';
  /** The window this one extends (`OVER (w ORDER BY …)`). */
  base: Identifier | null;
  partitionBy: Expr[];
  orderBy: OrderingTerm[];
  frame: FrameSpec | null;
}

/** `ROWS|RANGE|GROUPS from`, or `… BETWEEN from AND to`, with an optional EXCLUDE. */
export interface FrameSpec extends Span {
  units: 'ROWS' | 'RANGE' | 'GROUPS';
  from: FrameBound;
  /** The bound after AND, or null for the one-bound form (which ends at CURRENT ROW). */
  to: FrameBound | null;
  exclude: 'NO OTHERS' | 'CURRENT ROW' | 'GROUP' | 'TIES' | null;
}

/** One bound of a frame; `offset` is set for `expr PRECEDING` and `expr FOLLOWING`. */
export interface FrameBound extends Span {
  type: 'UNBOUNDED PRECEDING' | 'PRECEDING' | 'CURRENT ROW' | 'FOLLOWING' | 'UNBOUNDED FOLLOWING';
  offset: Expr | null;
}

// ---------------------------------------------------------------------------------------------
// SELECT

/**
 * A SELECT statement or subquery: one or more simple selects joined by compound operators, with
 * the ORDER BY and LIMIT that apply to the whole.
 */
export interface Select extends Span {
  kind: 'select';
  with: WithClause | null;
  first: SelectCore;
  compounds: CompoundPart[];
  orderBy: OrderingTerm[];
  limit: Limit | null;
}

/** `WITH [RECURSIVE] cte, …`. */
export interface WithClause extends Span {
  recursive: boolean;
  ctes: CommonTableExpr[];
}

/** `name [(columns)] AS [[NOT] MATERIALIZED] (select)`. */
export interface CommonTableExpr extends Span {
  name: Identifier;
  columns: Identifier[] | null;
  /** true for MATERIALIZED, false for NOT MATERIALIZED, null when neither is written. */
  materialized: boolean | null;
  select: Select;
}

/** The operator and right-hand side of one step of a compound select. */
export interface CompoundPart extends Span {
  op: 'UNION' | 'UNION ALL' | 'INTERSECT' | 'EXCEPT';
  select: SelectCore;
}

/** A simple select or a VALUES list. */
export type SelectCore = SimpleSelect | ValuesClause;

/** `SELECT [DISTINCT|ALL] columns [FROM …] [WHERE …] [GROUP BY …] [HAVING …] [WINDOW …]` */
export interface SimpleSelect extends Span {
  kind: 'simpleSelect';
  distinct: boolean;
  columns: ResultColumn[];
  from: FromClause | null;
  where: Expr | null;
  groupBy: Expr[];
  having: Expr | null;
  windows: WindowDef[];
}

/** `VALUES (…), (…)`. */
export interface ValuesClause extends Span {
  kind: 'values';
  rows: Expr[][];
}

/** `LIMIT count [OFFSET offset]`; `LIMIT a, b` is offset a, count b. */
export interface Limit extends Span {
  count: Expr;
  offset: Expr | null;
}

/** One entry of a WINDOW clause: `name AS (window)`. */
export interface WindowDef extends Span {
  name: Identifier;
  window: WindowSpec;
}

/** A result column (also an entry of a RETURNING clause). */
export type ResultColumn = StarColumn | TableStarColumn | ExprColumn;

/** `*`. */
export interface StarColumn extends Span {
  kind: 'star';
}

/** `table.*`. */
export interface TableStarColumn extends Span {
  kind: 'tableStar';
  table: Identifier;
}

/**
 * `expr [[AS] alias]`. Without an alias, the span is the expression's text as SQLite uses it to
 * name the column (outer parentheses included).
 */
export interface ExprColumn extends Span {
  kind: 'expr';
  expr: Expr;
  alias: Identifier | null;
}

/**
 * A FROM clause, or the inside of a parenthesized join: a list of sources, each after the first
 * joined to those before it by a join operator (a comma is an inner join).
 */
export interface FromClause extends Span {
  terms: FromTerm[];
}

/** One source of a FROM clause with the operator before it and its ON or USING. */
export interface FromTerm extends Span {
  /** How this source joins the ones before it; null for the first source. */
  join: JoinOperator | null;
  source: TableSource;
  /** ON expression or USING columns; always null for the first source. */
  constraint: JoinConstraint | null;
}

/** A join operator. `,` and `JOIN` are inner joins; OUTER is implied by LEFT, RIGHT and FULL. */
export interface JoinOperator extends Span {
  type: 'INNER' | 'CROSS' | 'LEFT' | 'RIGHT' | 'FULL';
  natural: boolean;
  /** Whether the operator was a comma. */
  comma: boolean;
}

/** `ON expr` or `USING (columns)`. */
export type JoinConstraint = OnConstraint | UsingConstraint;

/** `ON expr`. */
export interface OnConstraint extends Span {
  kind: 'on';
  expr: Expr;
}

/** `USING (columns)`. */
export interface UsingConstraint extends Span {
  kind: 'using';
  columns: Identifier[];
}

/** Something a FROM clause reads. */
export type TableSource = TableRef | TableFunctionRef | SubquerySource | JoinGroup;

/** `[schema.]table [[AS] alias] [INDEXED BY index | NOT INDEXED]`. */
export interface TableRef extends Span {
  kind: 'table';
  schema: Identifier | null;
  name: Identifier;
  alias: Identifier | null;
  indexed: IndexHint | null;
}

/** `INDEXED BY index` (`index` set) or `NOT INDEXED` (`index` null). */
export interface IndexHint extends Span {
  index: Identifier | null;
}

/** `[schema.]function(args) [[AS] alias]`: a table-valued function. */
export interface TableFunctionRef extends Span {
  kind: 'tableFunction';
  schema: Identifier | null;
  name: Identifier;
  args: Expr[];
  alias: Identifier | null;
}

/** `(select) [[AS] alias]`. */
export interface SubquerySource extends Span {
  kind: 'subquery';
  select: Select;
  alias: Identifier | null;
}

/** `(join) [[AS] alias]`: a parenthesized FROM list. */
export interface JoinGroup extends Span {
  kind: 'group';
  from: FromClause;
  alias: Identifier | null;
}

// ---------------------------------------------------------------------------------------------
// INSERT, UPDATE, DELETE

/** What to do on a constraint violation: a statement's `OR …`, a constraint's `ON CONFLICT …`. */
export type ConflictResolution = 'ROLLBACK' | 'ABORT' | 'FAIL' | 'IGNORE' | 'REPLACE';

/** `INSERT|REPLACE INTO …`. */
export interface InsertStmt extends Span {
  kind: 'insert';
  with: WithClause | null;
  /** `OR …`; REPLACE INTO is INSERT OR REPLACE. */
  or: ConflictResolution | null;
  schema: Identifier | null;
  table: Identifier;
  alias: Identifier | null;
  columns: Identifier[] | null;
  /** The rows to insert (a VALUES list is a `Select` too), or null for DEFAULT VALUES. */
  select: Select | null;
  upsert: UpsertClause[];
  returning: ResultColumn[] | null;
}

/** `ON CONFLICT [(target) [WHERE …]] DO NOTHING | DO UPDATE SET … [WHERE …]`. */
export interface UpsertClause extends Span {
  /** The conflict target's columns, or null when there is no target. */
  target: OrderingTerm[] | null;
  targetWhere: Expr | null;
  /** The SET list of DO UPDATE, or null for DO NOTHING. */
  set: Assignment[] | null;
  where: Expr | null;
}

/** `column = value` or `(c1, c2, …) = value` of a SET list. */
export interface Assignment extends Span {
  columns: Identifier[];
  value: Expr;
}

/** `UPDATE [OR …] table SET … [FROM …] [WHERE …] [RETURNING …] [ORDER BY …] [LIMIT …]` */
export interface UpdateStmt extends Span {
  kind: 'update';
  with: WithClause | null;
  or: ConflictResolution | null;
  table: TableRef;
  set: Assignment[];
  from: FromClause | null;
  where: Expr | null;
  returning: ResultColumn[] | null;
  orderBy: OrderingTerm[];
  limit: Limit | null;
}

/** `DELETE FROM table [WHERE …] [RETURNING …] [ORDER BY …] [LIMIT …]`. */
export interface DeleteStmt extends Span {
  kind: 'delete';
  with: WithClause | null;
  table: TableRef;
  where: Expr | null;
  returning: ResultColumn[] | null;
  orderBy: OrderingTerm[];
  limit: Limit | null;
}

// ---------------------------------------------------------------------------------------------
// CREATE, DROP, ALTER

/** `CREATE [TEMP] TABLE [IF NOT EXISTS] [schema.]name (…) [options]` or `… AS select`. */
export interface CreateTableStmt extends Span {
  kind: 'createTable';
  temp: boolean;
  ifNotExists: boolean;
  schema: Identifier | null;
  name: Identifier;
  /** The column definitions; empty for CREATE TABLE … AS. */
  columns: ColumnDef[];
  constraints: TableConstraint[];
  withoutRowid: boolean;
  strict: boolean;
  asSelect: Select | null;
}

/** `name [type] [constraints]`. */
export interface ColumnDef extends Span {
  name: Identifier;
  type: TypeName | null;
  constraints: ColumnConstraint[];
}

/** A column constraint. `name` is set by a preceding `CONSTRAINT name`. */
export type ColumnConstraint =
  | PrimaryKeyColumnConstraint
  | NotNullConstraint
  | NullConstraint
  | UniqueColumnConstraint
  | CheckConstraint
  | DefaultConstraint
  | CollateConstraint
  | ReferencesConstraint
  | DeferrableConstraint
  | GeneratedConstraint;

interface NamedConstraint extends Span {
  name: Identifier | null;
}

/** `PRIMARY KEY [ASC|DESC] [ON CONFLICT …] [AUTOINCREMENT]`. */
export interface PrimaryKeyColumnConstraint extends NamedConstraint {
  kind: 'primaryKey';
  order: 'ASC' | 'DESC' | null;
  conflict: ConflictResolution | null;
  autoincrement: boolean;
}

/** `NOT NULL [ON CONFLICT …]`. */
export interface NotNullConstraint extends NamedConstraint {
  kind: 'notNull';
  conflict: ConflictResolution | null;
}

/** `NULL [ON CONFLICT …]`: accepted, and means nothing. */
export interface NullConstraint extends NamedConstraint {
  kind: 'null';
  conflict: ConflictResolution | null;
}

/** `UNIQUE [ON CONFLICT …]`. */
export interface UniqueColumnConstraint extends NamedConstraint {
  kind: 'unique';
  conflict: ConflictResolution | null;
}

/** `CHECK (expr)`; in a table constraint an ON CONFLICT clause may follow (SQLite ignores it). */
export interface CheckConstraint extends NamedConstraint {
  kind: 'check';
  expr: Expr;
  conflict: ConflictResolution | null;
}

/**
 * `DEFAULT value`: a literal, a signed number, `(expr)` or a bare name. A bare name is the string
 * it spells (SQLite's rule), except that TRUE and FALSE are the integers 1 and 0.
 */
export interface DefaultConstraint extends NamedConstraint {
  kind: 'default';
  value: Expr;
}

/** `COLLATE name`. */
export interface CollateConstraint extends NamedConstraint {
  kind: 'collate';
  collation: Identifier;
}

/** `REFERENCES table [(columns)] …`. */
export interface ReferencesConstraint extends NamedConstraint {
  kind: 'references';
  foreignKey: ForeignKeyClause;
}

/**
 * `[NOT] DEFERRABLE [INITIALLY …]` written apart from a REFERENCES clause; SQLite applies it to
 * the table's most recent foreign key. (Written right after REFERENCES, it is part of that clause.)
 */
export interface DeferrableConstraint extends NamedConstraint {
  kind: 'deferrable';
  deferrable: Deferrable;
}

/** `[GENERATED ALWAYS] AS (expr) [STORED|VIRTUAL]`. */
export interface GeneratedConstraint extends NamedConstraint {
  kind: 'generated';
  expr: Expr;
  storage: 'STORED' | 'VIRTUAL' | null;
}

/** The part of a foreign key after REFERENCES. */
export interface ForeignKeyClause extends Span {
  table: Identifier;
  columns: Identifier[] | null;
  onDelete: ForeignKeyAction | null;
  onUpdate: ForeignKeyAction | null;
  /** `MATCH name` (parsed, and ignored by SQLite). */
  match: Identifier | null;
  deferrable: Deferrable | null;
}

/** What a foreign key does when its parent key changes. */
export type ForeignKeyAction = 'SET NULL' | 'SET DEFAULT' | 'CASCADE' | 'RESTRICT' | 'NO ACTION';

/** `[NOT] DEFERRABLE [INITIALLY DEFERRED|IMMEDIATE]`. */
export interface Deferrable extends Span {
  not: boolean;
  initially: 'DEFERRED' | 'IMMEDIATE' | null;
}

/** A table constraint. `name` is set by a preceding `CONSTRAINT name`. */
export type TableConstraint =
  | PrimaryKeyTableConstraint
  | UniqueTableConstraint
  | CheckConstraint
  | ForeignKeyTableConstraint;

/** `PRIMARY KEY (columns) [ON CONFLICT …]`. */
export interface PrimaryKeyTableConstraint extends NamedConstraint {
  kind: 'primaryKey';
  columns: OrderingTerm[];
  autoincrement: boolean;
  conflict: ConflictResolution | null;
}

/** `UNIQUE (columns) [ON CONFLICT …]`. */
export interface UniqueTableConstraint extends NamedConstraint {
  kind: 'unique';
  columns: OrderingTerm[];
  conflict: ConflictResolution | null;
}

/** `FOREIGN KEY (columns) REFERENCES …`. */
export interface ForeignKeyTableConstraint extends NamedConstraint {
  kind: 'foreignKey';
  columns: Identifier[];
  foreignKey: ForeignKeyClause;
}

/** `CREATE [UNIQUE] INDEX [IF NOT EXISTS] [schema.]name ON table (columns) [WHERE …]`. */
export interface CreateIndexStmt extends Span {
  kind: 'createIndex';
  unique: boolean;
  ifNotExists: boolean;
  schema: Identifier | null;
  name: Identifier;
  table: Identifier;
  columns: OrderingTerm[];
  where: Expr | null;
}

/** `CREATE [TEMP] VIEW [IF NOT EXISTS] [schema.]name [(columns)] AS select`. */
export interface CreateViewStmt extends Span {
  kind: 'createView';
  temp: boolean;
  ifNotExists: boolean;
  schema: Identifier | null;
  name: Identifier;
  columns: Identifier[] | null;
  select: Select;
}

/** `CREATE [TEMP] TRIGGER … BEGIN body END`. */
export interface CreateTriggerStmt extends Span {
  kind: 'createTrigger';
  temp: boolean;
  ifNotExists: boolean;
  schema: Identifier | null;
  name: Identifier;
  /** BEFORE, AFTER or INSTEAD OF; null when not written (which SQLite takes as BEFORE). */
  timing: 'BEFORE' | 'AFTER' | 'INSTEAD OF' | null;
  event: 'DELETE' | 'INSERT' | 'UPDATE';
  /** The columns of `UPDATE OF columns`, or null. */
  columns: Identifier[] | null;
  tableSchema: Identifier | null;
  table: Identifier;
  forEachRow: boolean;
  when: Expr | null;
  body: TriggerStatement[];
}

/** A statement of a trigger body. */
export type TriggerStatement = InsertStmt | UpdateStmt | DeleteStmt | Select;

/** `CREATE VIRTUAL TABLE [IF NOT EXISTS] [schema.]name USING module [(args)]`. */
export interface CreateVirtualTableStmt extends Span {
  kind: 'createVirtualTable';
  ifNotExists: boolean;
  schema: Identifier | null;
  name: Identifier;
  module: Identifier;
  /** Each argument's source text from its first token to its last; empty arguments are left out. */
  args: string[];
}

/** `DROP TABLE|INDEX|VIEW|TRIGGER [IF EXISTS] [schema.]name`. */
export interface DropStmt extends Span {
  kind: 'drop';
  object: 'TABLE' | 'INDEX' | 'VIEW' | 'TRIGGER';
  ifExists: boolean;
  schema: Identifier | null;
  name: Identifier;
}

/** `ALTER TABLE [schema.]table action`. */
export interface AlterTableStmt extends Span {
  kind: 'alterTable';
  schema: Identifier | null;
  table: Identifier;
  action: AlterTableAction;
}

/** What an ALTER TABLE does; its span runs from the word after the table name to the end. */
export type AlterTableAction = Span &
  (
    | { kind: 'renameTable'; newName: Identifier }
    | { kind: 'renameColumn'; column: Identifier; newName: Identifier }
    | { kind: 'addColumn'; column: ColumnDef }
    | { kind: 'dropColumn'; column: Identifier }
    | { kind: 'addConstraint'; constraint: CheckConstraint }
    | { kind: 'dropConstraint'; name: Identifier }
    | { kind: 'setNotNull'; column: Identifier; conflict: ConflictResolution | null }
    | { kind: 'dropNotNull'; column: Identifier }
  );

// ---------------------------------------------------------------------------------------------
// Other statements

/** `BEGIN [DEFERRED|IMMEDIATE|EXCLUSIVE] [TRANSACTION [name]]`. */
export interface BeginStmt extends Span {
  kind: 'begin';
  mode: 'DEFERRED' | 'IMMEDIATE' | 'EXCLUSIVE' | null;
}

/** `COMMIT|END [TRANSACTION [name]]`. */
export interface CommitStmt extends Span {
  kind: 'commit';
}

/** `ROLLBACK [TRANSACTION [name]] [TO [SAVEPOINT] savepoint]`. */
export interface RollbackStmt extends Span {
  kind: 'rollback';
  savepoint: Identifier | null;
}

/** `SAVEPOINT name`. */
export interface SavepointStmt extends Span {
  kind: 'savepoint';
  name: Identifier;
}

/** `RELEASE [SAVEPOINT] name`. */
export interface ReleaseStmt extends Span {
  kind: 'release';
  name: Identifier;
}

/** `PRAGMA [schema.]name [= value | (value)]`. */
export interface PragmaStmt extends Span {
  kind: 'pragma';
  schema: Identifier | null;
  name: Identifier;
  value: PragmaValue | null;
}

/**
 * A pragma's value: a signed number (`text` with its sign, as written), or a name, a string, or
 * one of the keywords ON, DELETE, DEFAULT (an `Identifier` spelled as written).
 */
export type PragmaValue = { kind: 'number'; text: string; start: number; end: number } | Identifier;

/** `ATTACH [DATABASE] file AS schema [KEY key]`. */
export interface AttachStmt extends Span {
  kind: 'attach';
  file: Expr;
  schema: Expr;
  key: Expr | null;
}

/** `DETACH [DATABASE] schema`. */
export interface DetachStmt extends Span {
  kind: 'detach';
  schema: Expr;
}

/** `ANALYZE [[schema.]name]`. */
export interface AnalyzeStmt extends Span {
  kind: 'analyze';
  schema: Identifier | null;
  name: Identifier | null;
}

/** `REINDEX [[schema.]name]`. */
export interface ReindexStmt extends Span {
  kind: 'reindex';
  schema: Identifier | null;
  name: Identifier | null;
}

/** `VACUUM [schema] [INTO file]`. */
export interface VacuumStmt extends Span {
  kind: 'vacuum';
  schema: Identifier | null;
  into: Expr | null;
}

/** `EXPLAIN [QUERY PLAN] statement`. */
export interface ExplainStmt extends Span {
  kind: 'explain';
  queryPlan: boolean;
  stmt: Statement;
}

/** Any SQL statement. */
export type Statement =
  | Select
  | InsertStmt
  | UpdateStmt
  | DeleteStmt
  | CreateTableStmt
  | CreateIndexStmt
  | CreateViewStmt
  | CreateTriggerStmt
  | CreateVirtualTableStmt
  | DropStmt
  | AlterTableStmt
  | BeginStmt
  | CommitStmt
  | RollbackStmt
  | SavepointStmt
  | ReleaseStmt
  | PragmaStmt
  | AttachStmt
  | DetachStmt
  | AnalyzeStmt
  | ReindexStmt
  | VacuumStmt
  | ExplainStmt;
