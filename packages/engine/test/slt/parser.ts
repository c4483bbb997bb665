// Parser for sqllogictest scripts (the format of SQLite's sqllogictest corpus).
//
// The format, as the reference runner reads it:
//   - A script is a sequence of lines; a trailing "\r" is dropped from every line and a line holding
//     only white space counts as blank.
//   - A line whose first character is '#' is a comment. Comment lines are removed before anything else
//     happens: they neither separate records nor become part of SQL or results.
//   - Records are separated by one or more blank lines. The first line of a record is split into at
//     most four white-space separated tokens.
//   - Any number of condition lines ("skipif <engine>", "onlyif <engine>") may open a record; the line
//     after them is the record's real first line.
//   - "statement ok" / "statement error": the rest of the record is one SQL statement.
//   - "query <types> [<sort mode>] [<label>]": the SQL runs up to a line that is exactly "----", the
//     lines after it are the expected results, one value per line (or one line
//     "<N> values hashing to <md5>"). Without a "----" line the expected result is empty.
//   - "hash-threshold <N>": results with more than N values are compared by hash from here on.
//   - "halt": stop reading the script.
//
// Parsing keeps every line number so failures can point at the script.

/** A "skipif"/"onlyif" line in front of a record. */
export interface SltCondition {
  kind: 'skipif' | 'onlyif';
  /** The engine name it names (compared case-insensitively). */
  engine: string;
  line: number;
}

interface RecordBase {
  /** Line number (1-based) of the record's first line after its conditions. */
  line: number;
  conditions: SltCondition[];
}

export interface StatementRecord extends RecordBase {
  kind: 'statement';
  /** The second token: "ok" or "error" in a well-formed script; anything else is reported. */
  expect: string;
  sql: string;
}

export interface QueryRecord extends RecordBase {
  kind: 'query';
  /** Type string: one of 'I', 'R', 'T' per result column (validated when the record runs). */
  types: string;
  /** "nosort" (also when absent), "rowsort" or "valuesort"; anything else is reported. */
  sortMode: string;
  /** The label ("" when none), cut to 20 characters as the reference runner does. */
  label: string;
  sql: string;
  /** Whether a "----" line is present. */
  hasResults: boolean;
  /** Expected result lines as written (values, or a single "<N> values hashing to <md5>" line). */
  expected: string[];
  /** Line number of the first expected result line (or of where it would be). */
  resultsLine: number;
}

export interface HashThresholdRecord extends RecordBase {
  kind: 'hash-threshold';
  /** The threshold, read like C's atoi(): leading digits, 0 when there are none. */
  threshold: number;
}

export interface HaltRecord extends RecordBase {
  kind: 'halt';
}

/** A record whose first token is none of the above (the reference runner stops the script there). */
export interface UnknownRecord extends RecordBase {
  kind: 'unknown';
  token: string;
}

export type SltRecord = StatementRecord | QueryRecord | HashThresholdRecord | HaltRecord | UnknownRecord;

/** A script line after preprocessing, with its 1-based number. */
interface ScriptLine {
  text: string;
  line: number;
}

const C_SPACE = /^[ \t\n\v\f\r]*$/;
const TOKEN_SPLIT = /[ \t\n\v\f\r]+/;

/** Longest token the reference runner keeps (its token buffers hold 199 characters). */
const MAX_TOKEN = 199;
/** Labels are compared on their first 20 characters. */
const MAX_LABEL = 20;

/** Splits a record's first line into up to four tokens, as the reference runner does. */
export function tokenize(line: string): string[] {
  const trimmed = line.replace(/^[ \t\n\v\f\r]+/, '');
  if (trimmed === '') return [];
  return trimmed
    .split(TOKEN_SPLIT)
    .filter((t) => t !== '')
    .slice(0, 4)
    .map((t) => t.slice(0, MAX_TOKEN));
}

/** C's atoi(): optional white space and sign, then digits; 0 when there are none. */
export function atoi(text: string | undefined): number {
  const m = /^[ \t\n\v\f\r]*([+-]?\d+)/.exec(text ?? '');
  return m ? Number.parseInt(m[1]!, 10) : 0;
}

/** Splits a script into records. */
export function parseSlt(script: string): SltRecord[] {
  // Preprocess: line numbers, "\r" removal, blank normalisation, comment removal.
  const lines: ScriptLine[] = [];
  const raw = script.split('\n');
  // A final "\n" ends the last line; it does not start another one.
  if (raw.length > 0 && raw[raw.length - 1] === '') raw.pop();
  for (let i = 0; i < raw.length; i++) {
    let text = raw[i]!;
    if (text.endsWith('\r')) text = text.slice(0, -1);
    if (C_SPACE.test(text)) text = '';
    if (text.startsWith('#')) continue;
    lines.push({ text, line: i + 1 });
  }

  // Group the non-blank lines into records.
  const records: SltRecord[] = [];
  let i = 0;
  while (i < lines.length) {
    if (lines[i]!.text === '') {
      i++;
      continue;
    }
    const group: ScriptLine[] = [];
    while (i < lines.length && lines[i]!.text !== '') group.push(lines[i++]!);
    records.push(parseRecord(group));
  }
  return records;
}

function parseRecord(group: ScriptLine[]): SltRecord {
  const conditions: SltCondition[] = [];
  let k = 0;
  let tokens = tokenize(group[0]!.text);
  while (tokens[0] === 'skipif' || tokens[0] === 'onlyif') {
    conditions.push({ kind: tokens[0], engine: tokens[1] ?? '', line: group[k]!.line });
    k++;
    tokens = k < group.length ? tokenize(group[k]!.text) : [];
  }
  // After the conditions, the record's own first line (if the record ended, an empty one).
  const line = k < group.length ? group[k]!.line : group[group.length - 1]!.line;
  const body = group.slice(k + 1);
  const head = tokens[0] ?? '';

  switch (head) {
    case 'statement':
      return {
        kind: 'statement',
        line,
        conditions,
        expect: tokens[1] ?? '',
        sql: body.map((l) => l.text).join('\n'),
      };
    case 'query': {
      const sep = body.findIndex((l) => l.text === '----');
      const sqlLines = sep < 0 ? body : body.slice(0, sep);
      const resultLines = sep < 0 ? [] : body.slice(sep + 1);
      const lastLine = body.length > 0 ? body[body.length - 1]!.line : line;
      return {
        kind: 'query',
        line,
        conditions,
        types: tokens[1] ?? '',
        sortMode: tokens[2] ?? '',
        label: (tokens[3] ?? '').slice(0, MAX_LABEL),
        sql: sqlLines.map((l) => l.text).join('\n'),
        hasResults: sep >= 0,
        expected: resultLines.map((l) => l.text),
        resultsLine: resultLines.length > 0 ? resultLines[0]!.line : lastLine + 1,
      };
    }
    case 'hash-threshold':
      return { kind: 'hash-threshold', line, conditions, threshold: atoi(tokens[1]) };
    case 'halt':
      return { kind: 'halt', line, conditions };
    default:
      return { kind: 'unknown', line, conditions, token: head };
  }
}
