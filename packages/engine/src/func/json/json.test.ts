/**
 * The JSON functions against real SQLite (better-sqlite3): tables of documents (canonical JSON,
 * JSON5, malformed), paths (good, missing, malformed) and values run through every function, with
 * values, storage classes and error messages compared exactly, and JSONB compared byte for byte.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { QueryPair } from '../../../test/support/query-oracle.js';

const DOCS = [
  '{"a":1,"b":[1,2,3],"c":{"d":"x","e":null}}',
  '[1,2.5,"three",true,false,null,[],{}]',
  '  { "a" : [ 1 , { "b" : 2 } ] , "a b" : 3 , "" : 4 }  ',
  '{"x":"\\u00e9\\n\\"q\\"\\\\","y":"\\ud83d\\ude00","z":"plain é"}',
  '[1.0,1.50,1e5,1E+5,-0,-0.0,0.1e-3,123456789012345678901234567890]',
  '[9223372036854775807,9223372036854775808,-9223372036854775808,-9223372036854775809,9007199254740993]',
  '{a:1,$b:2,_c:[3,],"d":4,}',
  "['single', 'it''s', \"x\\x41\\v\\0\", 'line\\\ncont']",
  '[0x1F,-0x10,+5,.5,5.,+.5e1,Infinity,-Infinity,NaN,+inf,-INF]',
  '/* comment */ [1, // line\n 2]',
  '{"dup":1,"dup":2}',
  '{"n":{"m":{"o":{"p":[[[[1]]]]}}}}',
  '"just a string"',
  '42',
  '-7.25',
  'null',
  'true',
  '[]',
  '{}',
  '',
  '[1,2',
  '{"a":}',
  '[01]',
  '{"a" 1}',
  '[1,,2]',
  'nul',
  '"unterminated',
  '[1] x',
  '"tab\there"',
  '{"k":"é\u2028ü"}',
  '[1e999,-1e999,0x8000000000000000,0xFFFFFFFFFFFFFFFFF]',
];

const PATHS = [
  '$', '$.a', '$.b', '$.b[0]', '$.b[2]', '$.b[3]', '$.b[#]', '$.b[#-1]', '$.b[#-4]', '$.c.d', '$.c.e', '$.c.f',
  '$[0]', '$[1]', '$[7]', '$[#-1]', '$."a b"', '$.""', '$.a[1].b', '$.x', '$.y', '$.n.m.o.p[0][0]', '$.dup', '$.$b',
  'a', '$a', '$.', '$[', '$[x]', '$.a.', '$["a"]', '$[-1]', '$."unterminated', '$.a[0]',
];

const VALUES = ["1", "1.5", "'txt'", 'NULL', "json('[1,{\"q\":2}]')", "json_object('k', 2)", '1e999', '-0.0', '9223372036854775807', "x'0c'", "'{\"not\":\"json\"}'", "jsonb('[5]')"];

const pair = new QueryPair(`
  CREATE TABLE docs(id INTEGER PRIMARY KEY, doc);
  CREATE TABLE paths(p);
  CREATE TABLE t(g, k, v);
  INSERT INTO t VALUES (1, 'a', 1), (1, 'b', 'two'), (1, NULL, 3), (2, 'c', 2.5), (2, 'd', NULL), (3, 'e', '{"x":1}');
`);
afterAll(() => pair.close());

/** Runs every query and returns those whose outcomes differ, with both outcomes. */
function mismatches(queries: string[]): string[] {
  const bad: string[] = [];
  for (const q of queries) {
    const [h, o] = pair.run(q);
    if (JSON.stringify(h) !== JSON.stringify(o)) bad.push(`${q}\n  hearth: ${JSON.stringify(h.rows ?? h.error)}\n  sqlite: ${JSON.stringify(o.rows ?? o.error)}`);
  }
  return bad.slice(0, 8).concat(bad.length > 8 ? [`… and ${bad.length - 8} more`] : []);
}

const lit = (s: string): string => `'${s.replaceAll("'", "''")}'`;

describe('JSON functions match SQLite', () => {
  it('whole documents: json, jsonb, validity, error position, type, length, pretty', () => {
    const qs: string[] = [];
    for (const d of DOCS) {
      const j = lit(d);
      qs.push(`SELECT json(${j}), typeof(json(${j}))`);
      qs.push(`SELECT hex(jsonb(${j}))`);
      qs.push(`SELECT json(jsonb(${j})), json_type(jsonb(${j})), json_valid(jsonb(${j}), 8), json_valid(jsonb(${j}), 4)`);
      qs.push(`SELECT ${[1, 2, 3, 4, 5, 6, 8, 9, 10, 15].map((f) => `json_valid(${j}, ${f})`).join(', ')}, json_valid(${j})`);
      qs.push(`SELECT json_error_position(${j}), json_type(${j}), json_array_length(${j})`);
      qs.push(`SELECT json_pretty(${j}), json_pretty(${j}, '--')`);
      qs.push(`SELECT json_quote(${j}), json_array(${j}), json_object('k', ${j})`);
    }
    expect(mismatches(qs)).toEqual([]);
  });

  it('paths: json_extract, ->, ->>, json_type, json_array_length, jsonb_extract', () => {
    const qs: string[] = [];
    for (const d of DOCS) {
      for (const p of PATHS) {
        const [j, q] = [lit(d), lit(p)];
        qs.push(`SELECT json_extract(${j}, ${q}) AS v, typeof(json_extract(${j}, ${q})), json_type(${j}, ${q}), json_array_length(${j}, ${q}), hex(jsonb_extract(${j}, ${q})), hex(jsonb_extract(jsonb(${j}), ${q}))`);
        qs.push(`SELECT ${j} -> ${q}, ${j} ->> ${q}`);
      }
      qs.push(`SELECT json_extract(${lit(d)}, '$.a', '$[0]', '$.c.d'), hex(jsonb_extract(${lit(d)}, '$.a', '$[1]'))`);
    }
    expect(mismatches(qs)).toEqual([]);
  });

  it('-> and ->> with bare labels and integer indexes', () => {
    const qs: string[] = [];
    for (const d of DOCS.slice(0, 12)) {
      for (const r of ["'a'", "'b'", "'a b'", "'[1]'", "'[#-1]'", '0', '1', '-1', '-9', "'0'", "'$.c.d'", "'c'", 'NULL', '1.5', "'x.y'"]) {
        qs.push(`SELECT ${lit(d)} -> ${r}, ${lit(d)} ->> ${r}`);
      }
    }
    expect(mismatches(qs)).toEqual([]);
  });

  it('edits: json_set, json_insert, json_replace, json_array_insert, json_remove (text and JSONB)', () => {
    const qs: string[] = [];
    for (const [n, d] of DOCS.entries()) {
      const j = lit(d);
      for (const [m, p] of PATHS.entries()) {
        const q = lit(p);
        if ((n + m) % 3 === 0) qs.push(`SELECT json_remove(${j}, ${q}), hex(jsonb_remove(${j}, ${q}))`);
        // Every value with a spread of the documents and paths, to keep the run short.
        for (const v of VALUES.filter((_, k) => (n + m + k) % 9 === 0)) {
          qs.push(`SELECT json_set(${j}, ${q}, ${v}), json_insert(${j}, ${q}, ${v}), json_replace(${j}, ${q}, ${v})`);
          qs.push(`SELECT hex(jsonb_set(${j}, ${q}, ${v})), hex(jsonb_replace(jsonb(${j}), ${q}, ${v})), json_array_insert(${j}, ${q}, ${v})`);
        }
      }
      qs.push(`SELECT json_set(${j}, '$.new.deep[0]', 1, '$.b[#]', 'end'), json_insert(${j}, '$.a', 9, '$.q', 8), json_remove(${j}, '$.a', '$.b[0]', '$.b[0]')`);
      qs.push(`SELECT json_set(${j}), json_remove(${j}), json_set(${j}, '$.a'), json_insert(${j}, NULL, 1), json_remove(${j}, NULL)`);
    }
    expect(mismatches(qs)).toEqual([]);
  });

  it('json_patch of every pair of object documents', () => {
    const objects = DOCS.filter((d) => /^\s*[{[]/.test(d)).slice(0, 14);
    objects.push('{"a":null,"b":{"x":1},"c":{"d":null,"e":{"f":1}},"z":[1]}', '{"c":"str"}', '{"a":{"b":{"c":null}}}');
    const qs: string[] = [];
    for (const a of objects) for (const b of objects) qs.push(`SELECT json_patch(${lit(a)}, ${lit(b)}), hex(jsonb_patch(${lit(a)}, ${lit(b)}))`);
    expect(mismatches(qs)).toEqual([]);
  });

  it('building: json_array, json_object, json_quote with every kind of value', () => {
    const qs: string[] = [];
    const vals = [...VALUES, "'a\"b\\\\c'", "char(1, 10, 31, 127)", "'é'", '0.1', '1e-7', '2.5e20', '100.0', '-1e300', "CAST(1 AS REAL)", '-9223372036854775808', "x''"];
    for (const v of vals) {
      qs.push(`SELECT json_array(${v}), json_object('k', ${v}), json_quote(${v})`);
      qs.push(`SELECT hex(jsonb_array(${v})), hex(jsonb_object('k', ${v}))`);
      qs.push(`SELECT json_array(1, ${v}, json_array(${v}), json_object('x', ${v}))`);
    }
    qs.push("SELECT json_object('a')", "SELECT json_object(1, 2)", "SELECT json_object(NULL, 2)", "SELECT json_object()", "SELECT json_array()");
    qs.push("SELECT json_object('a', 1, 'a', 2)", "SELECT json_array(json_quote('x'), json('\"y\"'))");
    expect(mismatches(qs)).toEqual([]);
  });

  it('aggregates: json_group_array and json_group_object, grouped and as window functions', () => {
    const qs = [
      'SELECT g, json_group_array(v), json_group_object(k, v) FROM t GROUP BY g ORDER BY g',
      'SELECT json_group_array(v), json_group_object(k, v) FROM t',
      'SELECT json_group_array(v) FROM t WHERE 0',
      'SELECT json_group_object(k, v) FROM t WHERE 0',
      'SELECT hex(jsonb_group_array(v)), hex(jsonb_group_object(k, v)) FROM t',
      "SELECT json_group_array(json_object('k', k, 'v', v)) FROM t",
      'SELECT json_object(\'rows\', json_group_array(json_array(g, k))) FROM t',
      'SELECT json_group_array(json(v)) FROM t WHERE g = 3',
      'SELECT json_group_array(x\'00\') FROM t',
      "SELECT json_group_array(json_object('k', k) ORDER BY k DESC), json_group_object(k, json_array(v) ORDER BY v) FROM t",
    ];
    expect(mismatches(qs)).toEqual([]);
  });

  it('the JSON subtype: nests results of JSON functions, and does not survive storage', () => {
    const qs = [
      "SELECT json_array(json_object('a', 1), json_array(2), json('[3]'), json_quote('q'), '[4]')",
      "SELECT json_array('{\"a\":1}' -> '$.a', '{\"a\":[1]}' -> '$.a', '{\"a\":[1]}' ->> '$.a')",
      "SELECT json_array(json_extract('{\"a\":[1]}', '$.a'), json_extract('{\"a\":\"s\"}', '$.a'))",
      "SELECT json_object('x', json_group_array(v)) FROM t",
      "SELECT json_set('{}', '$.a', json('[1]'), '$.b', '[1]')",
      "SELECT json_array(coalesce(json('[1]'), 2), ifnull(NULL, json('[2]')), iif(1, json('[3]'), 0), nullif(json('[4]'), 0), likely(json('[5]')))",
      "SELECT json_array(CASE 1 WHEN 1 THEN json('[1]') END, CASE WHEN 0 THEN json('[2]') ELSE '[3]' END, coalesce(NULL, '[4]', json('[5]')), iif(0, json('[6]')))",
      "SELECT json_array((SELECT json('[1]')), (SELECT '[2]'), (SELECT json('[3]') ORDER BY 1), (SELECT DISTINCT json('[4]')))",
      "SELECT json_object('items', (SELECT json_group_array(value) FROM json_each('[1,2]')))",
      "SELECT json_array(value), json_array(atom) FROM json_each('[[1],{\"a\":2},3]') ORDER BY id",
    ];
    expect(mismatches(qs)).toEqual([]);
    pair.run("CREATE TABLE stored(j)");
    pair.run("INSERT INTO stored VALUES (json_array(1, 2)), (json_object('a', json('[1]')))");
    expect(mismatches(['SELECT json_array(j), typeof(j) FROM stored', 'SELECT json_array(j) FROM (SELECT json(\'[9]\') AS j)'])).toEqual([]);
  });

  it('errors are worded as SQLite words them', () => {
    const qs = [
      "SELECT json('{')", "SELECT json_extract('[1', '$')", "SELECT json_extract('[1]', 'x')", "SELECT json_set('[]', 'x', 1)",
      "SELECT json_object('a', 1, 'b')", "SELECT json_object(1, 1)", "SELECT json_array(x'00')", "SELECT json_valid('1', 0)",
      "SELECT json_valid('1', 16)", "SELECT json_insert('[]', '$[0]')", "SELECT json_replace('[]', '$[0]')", "SELECT json_array_insert('{}', '$.a', 1)",
      "SELECT json_remove('[1]', '$[')", "SELECT json_type('[1]', 'x')", "SELECT json_array_length('[1]', 'x')", "SELECT json('')",
      "SELECT json(NULL), json_extract(NULL, '$'), json_type(NULL), json_valid(NULL), json_error_position(NULL), json_array_length(NULL)",
      "SELECT json(x'7b7d'), json(x'0c'), json(x'')",
    ];
    expect(mismatches(qs)).toEqual([]);
  });

  it('json_each and json_tree (and jsonb_ forms) over every document and root path', () => {
    const roots = ['$', '$.a', '$.b', '$.c', '$[1]', '$[#-1]', '$.n.m', '$.x', '$.a[1]', 'bad', '$.a.'];
    const qs: string[] = [];
    for (const d of DOCS) {
      for (const fn of ['json_each', 'json_tree']) {
        qs.push(`SELECT * FROM ${fn}(${lit(d)}) ORDER BY id`);
        qs.push(`SELECT key, value, type, atom, id, parent, fullkey, path, json, root FROM ${fn}(jsonb(${lit(d)})) ORDER BY id`);
        for (const r of roots) qs.push(`SELECT *, json, root FROM ${fn}(${lit(d)}, ${lit(r)}) ORDER BY id`);
      }
      qs.push(`SELECT key, hex(value) FROM jsonb_each(${lit(d)}) ORDER BY id`, `SELECT fullkey, hex(value) FROM jsonb_tree(${lit(d)}) ORDER BY id`);
    }
    expect(mismatches(qs)).toEqual([]);
  });

  it('table-valued functions join, correlate and aggregate', () => {
    pair.run("CREATE TABLE posts(id INTEGER PRIMARY KEY, doc)");
    pair.run(`INSERT INTO posts VALUES (1, '{"tags":["a","b"],"n":1}'), (2, '{"tags":[],"n":2}'), (3, '{"tags":["c","a"]}'), (4, NULL), (5, '[1,[2,[3]]]')`);
    const qs = [
      "SELECT p.id, e.value FROM posts p, json_each(p.doc, '$.tags') AS e ORDER BY 1, 2",
      'SELECT p.id, j.key, j.type FROM posts p LEFT JOIN json_each(p.doc) j ORDER BY 1, 2',
      "SELECT id FROM posts WHERE EXISTS (SELECT 1 FROM json_each(posts.doc, '$.tags') WHERE value = 'a') ORDER BY id",
      "SELECT value, count(*) FROM posts, json_each(posts.doc, '$.tags') GROUP BY value ORDER BY value",
      "SELECT json_group_array(value) FROM json_each('[[1],{\"a\":2},3,\"s\"]')",
      'SELECT p.id, t.fullkey, t.atom FROM posts p, json_tree(p.doc) t WHERE t.atom IS NOT NULL ORDER BY 1, 2',
      "SELECT a.key, b.value FROM json_each('{\"x\":1,\"y\":2}') a, json_each('[5,6]') b ORDER BY 1, 2",
      "SELECT * FROM json_each('[1]', '$', 3)",
      "SELECT * FROM json_each('[1', '$')",
      'SELECT key FROM json_each(NULL)',
      "SELECT count(*) FROM json_tree('{\"a\":{\"b\":{\"c\":[1,2,{\"d\":3}]}}}')",
    ];
    expect(mismatches(qs)).toEqual([]);
  });
});
