/**
 * The generator's statement tree: SQL text pieces around child nodes, with just enough structure for
 * the reducer (which nodes are expressions, which clauses may be dropped) and the harness (which
 * clauses decide how results are compared).
 *
 * A plain node renders as parts[0] kid0 parts[1] kid1 … parts[n] (so parts.length = kids.length + 1).
 * A list node (`sep` set) renders as parts[0] kids.join(sep) parts[1], and as nothing when empty.
 * Every compound expression production wraps itself in parentheses, so replacing any expression by
 * another never changes how the rest parses.
 */
import type { Feature } from './features.js';
import type { Val } from './values.js';
import { sqlLiteral } from './values.js';

export interface SqlNode {
  parts: readonly string[];
  kids: SqlNode[];
  /** An expression: the reducer may replace it by an expression kid or by a simple literal. */
  expr?: boolean;
  /** A list: kids joined by this separator. */
  sep?: string;
  /** A clause or list item the reducer may drop. */
  optional?: boolean;
  /** What the node is for the harness and renderer (see TAGS below). */
  tag?: Tag;
  /** The feature this production belongs to, for statistics. */
  feature?: Feature;
  /** A parameter's value; the node renders as `?`. */
  param?: Val;
  /** For a `*` result column: how many columns it expands to. */
  width?: number;
  /**
   * For an ORDER BY list: its tie-breakers sort under each column's own collation, without COLLATE
   * (one would make SQLite run a compound that is not all UNION ALL as a subquery, FOUND.md).
   */
  plainTies?: boolean;
}

/**
 * select: a query statement; dml: a writing statement (tables are compared after it); columns: a
 * SELECT's result column list; orderBy: the statement's ORDER BY list (the renderer appends
 * tie-breakers, see `plainTies`); distinct: a DISTINCT keyword; groupBy: a GROUP BY list; limit: a LIMIT clause; setop: a compound operator
 * that removes duplicates; subquery: a nested query (the harness does not look inside); column: a
 * column reference; sortedArgs: an order-sensitive aggregate call `f(x, …)` that the renderer sorts
 * by its first argument, `f(x, … ORDER BY x COLLATE BINARY, typeof(x))` (values equal in both keys
 * read the same as text, so the result does not depend on the order rows arrive in). Rendering
 * the key from the argument itself keeps the two equal whatever the reducer does to the argument.
 */
export type Tag = 'select' | 'dml' | 'columns' | 'orderBy' | 'distinct' | 'groupBy' | 'limit' | 'setop' | 'subquery' | 'column' | 'sortedArgs';

export function leaf(text: string, extra: Partial<SqlNode> = {}): SqlNode {
  return { parts: [text], kids: [], ...extra };
}

/** An expression node: `parts` around `kids`. */
export function exprNode(parts: readonly string[], kids: SqlNode[], feature?: Feature): SqlNode {
  return { parts, kids, expr: true, feature };
}

/** A function call `name(a, b, …)`. */
export function call(name: string, args: SqlNode[], feature?: Feature): SqlNode {
  if (args.length === 0) return exprNode([`${name}()`], [], feature);
  const parts = [`${name}(`, ...args.slice(1).map(() => ', '), ')'];
  return exprNode(parts, args, feature);
}

export function literal(v: Val): SqlNode {
  return leaf(sqlLiteral(v), { expr: true });
}

export function list(open: string, kids: SqlNode[], sep: string, close: string, extra: Partial<SqlNode> = {}): SqlNode {
  return { parts: [open, close], kids, sep, ...extra };
}

/** A plain node from a template of strings and nodes, in order. */
export function seq(...items: (string | SqlNode | null)[]): SqlNode {
  const parts: string[] = [''];
  const kids: SqlNode[] = [];
  for (const item of items) {
    if (item === null) continue;
    if (typeof item === 'string') parts[parts.length - 1] += item;
    else {
      kids.push(item);
      parts.push('');
    }
  }
  return { parts, kids };
}

/** The SQL text of `node` and its parameter values in order. */
export function render(node: SqlNode): { sql: string; params: Val[] } {
  const params: Val[] = [];
  const sql = renderInto(node, params, 0);
  return { sql, params };
}

function renderInto(node: SqlNode, params: Val[], width: number): string {
  if (node.param !== undefined) {
    params.push(node.param);
    return '?';
  }
  let w = width;
  if (node.tag === 'select' || node.tag === 'subquery') w = resultWidth(node);
  if (node.sep !== undefined) {
    if (node.kids.length === 0) return '';
    let body = node.kids.map((k) => renderInto(k, params, w)).join(node.sep);
    if (node.tag === 'orderBy') for (let i = 1; i <= w; i++) body += `${node.sep}${i}${node.plainTies ? '' : ' COLLATE BINARY'}`;
    return node.parts[0] + body + node.parts[1];
  }
  let s = node.parts[0]!;
  for (let i = 0; i < node.kids.length; i++) {
    s += renderInto(node.kids[i]!, params, w);
    if (node.tag === 'sortedArgs' && i === node.kids.length - 1) {
      const key = renderInto(node.kids[0]!, params, w);
      const type = renderInto(node.kids[0]!, params, w);
      s += ` ORDER BY ${key} COLLATE BINARY, typeof(${type})`;
    }
    s += node.parts[i + 1]!;
  }
  return s;
}

/** The number of result columns of the query `node` (its first SELECT's column list). */
export function resultWidth(node: SqlNode): number {
  const columns = find(node, (n) => n.tag === 'columns');
  if (!columns) return 0;
  let n = 0;
  for (const k of columns.kids) n += k.width ?? 1;
  return n;
}

/** The first node in pre-order that `test` accepts, not looking inside subqueries below the root. */
export function find(node: SqlNode, test: (n: SqlNode) => boolean): SqlNode | undefined {
  for (const kid of node.kids) {
    if (test(kid)) return kid;
    if (kid.tag === 'subquery') continue;
    const hit = find(kid, test);
    if (hit) return hit;
  }
  return undefined;
}

/** Every feature used anywhere in the tree. */
export function featuresOf(node: SqlNode, into: Set<Feature>): Set<Feature> {
  if (node.feature) into.add(node.feature);
  for (const kid of node.kids) featuresOf(kid, into);
  return into;
}

/** A path of kid indexes from the root. */
export type Path = readonly number[];

/** Every node with its path, in pre-order. */
export function walk(node: SqlNode, visit: (n: SqlNode, path: Path) => void, path: number[] = []): void {
  visit(node, path);
  node.kids.forEach((kid, i) => {
    path.push(i);
    walk(kid, visit, path);
    path.pop();
  });
}

/** A copy of `root` with the node at `path` replaced (null: removed from its parent list). */
export function replaceAt(root: SqlNode, path: Path, replacement: SqlNode | null): SqlNode {
  if (path.length === 0) return replacement ?? leaf('');
  const [i, ...rest] = path;
  const kids = root.kids.slice();
  if (rest.length === 0 && replacement === null) {
    if (root.sep !== undefined) kids.splice(i!, 1);
    else kids[i!] = leaf('');
  } else {
    kids[i!] = replaceAt(root.kids[i!]!, rest, replacement);
  }
  return { ...root, kids };
}
