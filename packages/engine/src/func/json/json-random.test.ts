/**
 * Randomized differential test of the JSON functions against SQLite: seeded random documents (JSON
 * and JSON5: comments, unquoted labels, hex and odd numbers, escapes of every kind, trailing commas),
 * sometimes damaged by one changed character, with paths drawn from their own structure. Each
 * document goes through parsing, rendering, JSONB, lookups, edits and json_tree; a mismatch prints
 * the seed and the query.
 */
import { afterAll, expect, it } from 'vitest';
import { Prng } from '../../../test/support/prng.js';
import { QueryPair } from '../../../test/support/query-oracle.js';

const SEED = Number(process.env.HEARTH_JSON_SEED ?? 20261121);
const DOCUMENTS = Number(process.env.HEARTH_JSON_DOCS ?? 150);

const LABELS = ['a', 'b', 'key', 'a b', '', 'é', 'x"y', 'tab\\t', '\\u0041', '$', '_id', '0', 'ü\\u00fc'];
const IDENTIFIERS = ['a', 'b', 'key', '_id', '$x', 'é'];
const STRINGS = ['', 'x', 'hello world', 'é€😀', '\\n\\t\\"', '\\u00e9\\ud83d\\ude00', '\\/', 'a\\\\b', "it's"];
const STRINGS5 = ['\\x41', "\\'", '\\v', '\\0', 'line\\\ncont', 'ctl\u0001'];
const NUMBERS = ['0', '-0', '1', '-1', '42', '1.5', '-0.25', '1e10', '1E-7', '2.5e+20', '123456789012345678', '9007199254740993', '9223372036854775807', '9223372036854775808', '-9223372036854775809', '1.0', '100.000', '1e999', '0.1', '3.141592653589793'];
const NUMBERS5 = ['0x1f', '-0XFF', '+3', '.5', '5.', '-.5e2', 'Infinity', '-Infinity', 'NaN', '0x8000000000000000'];
const SPACES5 = [' ', '\t', '\n', '/* c */', '// l\n', '\u00a0', '\u2028'];

function value(r: Prng, depth: number, json5: boolean): string {
  const roll = r.int(depth > 3 ? 6 : 10);
  if (roll <= 1) return r.pick(json5 && r.chance(0.3) ? NUMBERS5 : NUMBERS);
  if (roll === 2) {
    const q = json5 && r.chance(0.3) ? "'" : '"';
    const body = json5 && r.chance(0.3) ? r.pick(STRINGS5) : r.pick(STRINGS);
    return q + (q === "'" ? body : body.replaceAll("'", "'")) + q;
  }
  if (roll === 3) return r.pick(['true', 'false', 'null']);
  if (roll === 4) return r.pick(NUMBERS);
  if (roll === 5) return `"${r.pick(STRINGS)}"`;
  const n = r.int(4);
  const items: string[] = [];
  const object = roll >= 8;
  for (let i = 0; i < n; i++) {
    const v = value(r, depth + 1, json5);
    if (!object) items.push(v);
    else if (json5 && r.chance(0.3)) items.push(`${r.pick(IDENTIFIERS)}:${v}`);
    else items.push(`"${r.pick(LABELS)}"${space(r, json5)}:${space(r, json5)}${v}`);
  }
  const trailing = json5 && n > 0 && r.chance(0.2) ? ',' : '';
  const inner = items.join(`,${space(r, json5)}`) + trailing;
  return object ? `{${space(r, json5)}${inner}}` : `[${inner}${space(r, json5)}]`;
}

function space(r: Prng, json5: boolean): string {
  if (!r.chance(0.3)) return '';
  return json5 && r.chance(0.4) ? r.pick(SPACES5) : ' ';
}

/** Paths into `doc` as SQLite's own json_tree lists them, plus a few that miss or are malformed. */
function pathsOf(pair: QueryPair, doc: string, r: Prng): string[] {
  const [, tree] = pair.run(`SELECT fullkey FROM json_tree(${lit(doc)})`);
  const found = (tree.rows ?? []).map((row) => row[0]!.slice(2));
  const paths = found.filter(() => r.chance(0.5)).slice(0, 6);
  paths.push('$.missing', '$[9]', '$[#]', '$[#-1]', r.pick(['$.', '$[', 'x', '$[a]', '$.a.b.c']));
  return paths;
}

const lit = (s: string): string => `'${s.replaceAll("'", "''")}'`;

const pair = new QueryPair('');
afterAll(() => pair.close());

it(`random documents behave as in SQLite (seed ${SEED})`, () => {
  const r = new Prng(SEED);
  const bad: string[] = [];
  const check = (q: string): void => {
    const [h, o] = pair.run(q);
    if (JSON.stringify(h) !== JSON.stringify(o)) bad.push(`seed ${SEED}: ${q}\n  hearth: ${JSON.stringify(h.rows ?? h.error)}\n  sqlite: ${JSON.stringify(o.rows ?? o.error)}`);
  };
  const values = ['1', '2.5', "'s'", 'NULL', "json('{\"k\":[1]}')", "jsonb('[true]')", '-9223372036854775808'];
  for (let n = 0; n < DOCUMENTS && bad.length < 5; n++) {
    let doc = value(r, 0, r.chance(0.4));
    if (r.chance(0.1)) {
      // Damaged by whole characters (a lone surrogate would not even be valid UTF-8).
      const chars = Array.from(doc);
      chars[r.int(chars.length)] = r.pick(['', ',', '"', '}', ']', 'x', ':', '\\']);
      doc = chars.join('');
    }
    const d = lit(doc);
    check(`SELECT json(${d}), hex(jsonb(${d})), json(jsonb(${d}))`);
    check(`SELECT json_valid(${d}), json_valid(${d}, 2), json_valid(jsonb(${d}), 8), json_error_position(${d}), json_type(${d}), json_array_length(${d})`);
    check(`SELECT json_pretty(${d})`);
    check(`SELECT key, value, type, atom, id, parent, fullkey, path FROM json_tree(${d}) ORDER BY id`);
    for (const p of pathsOf(pair, doc, r)) {
      const q = lit(p);
      const v = r.pick(values);
      check(`SELECT json_extract(${d}, ${q}), ${d} -> ${q}, ${d} ->> ${q}, json_type(${d}, ${q})`);
      check(`SELECT json_set(${d}, ${q}, ${v}), json_insert(${d}, ${q}, ${v}), json_replace(${d}, ${q}, ${v}), json_remove(${d}, ${q})`);
      check(`SELECT hex(jsonb_set(jsonb(${d}), ${q}, ${v})), hex(jsonb_remove(${d}, ${q})), json_array_insert(${d}, ${q}, ${v})`);
      check(`SELECT * FROM json_each(${d}, ${q}) ORDER BY id`);
    }
    if (n > 0 && r.chance(0.3)) check(`SELECT json_patch(${d}, ${d}), hex(jsonb_patch('{"a":{"b":1},"c":2}', ${d}))`);
  }
  expect(bad).toEqual([]);
});
