// Differential tests of the 'localtime' and 'utc' modifiers against SQLite under several host time
// zones (process.env.TZ, which Node and the C library both follow): daylight-saving transitions,
// half-hour and 45-minute offsets, and instants outside 1970 … 2037, which both map to a year with the
// same leap-year position.
import { afterAll, describe, expect, test } from 'vitest';
import { QueryPair } from '../../test/support/query-oracle.js';

const savedTz = process.env.TZ;
const pair = new QueryPair('SELECT 1');
afterAll(() => {
  pair.close();
  if (savedTz === undefined) delete process.env.TZ;
  else process.env.TZ = savedTz;
});

const INSTANTS = [
  '2023-03-12 06:59:59', '2023-03-12 07:00:00', '2023-03-12 02:30', '2023-11-05 05:59:59.5', '2023-11-05 06:00:00',
  '2023-11-05 01:30', '2023-03-26 00:59', '2023-03-26 01:00', '2023-03-26 01:30', '2023-10-29 01:30', '2023-04-02 02:15',
  '2023-10-01 02:15', '2023-09-24 02:45', '2023-04-02 03:00', '2023-06-15 12:34:56.789', '2023-12-31 23:59:59.999',
  '1970-01-01 00:00:00', '1969-12-31 23:59:59', '2038-01-18 00:00', '2038-01-19 12:00', '1900-07-04 12:00', '2100-03-12 02:30',
  '0001-01-01 00:00', '0000-01-01 00:00', '9999-12-31 23:59:59', '-0100-06-01 12:00', '12:00', 2460000.5, 1700000000,
];

const CHAINS = [
  ['localtime'], ['utc'], ['localtime', 'utc'], ['utc', 'localtime'], ['localtime', 'localtime'], ['utc', 'utc'],
  ['localtime', 'start of day', 'utc'], ['unixepoch', 'localtime'], ['subsec', 'localtime'], ['localtime', '+1 month', 'utc'],
  ['utc', 'start of month'], ['auto', 'utc', 'subsec'],
];

function lit(v: string | number): string {
  return typeof v === 'number' ? String(v) : `'${v}'`;
}

const ZONES = [
  'UTC', 'America/New_York', 'Europe/London', 'Australia/Lord_Howe', 'Asia/Kolkata', 'Pacific/Chatham', 'America/St_Johns',
  'Pacific/Kiritimati', 'America/Sao_Paulo',
];

describe('localtime and utc', () => {
  for (const zone of ZONES) {
    test(zone, () => {
      process.env.TZ = zone;
      const columns = CHAINS.map((c) => `datetime(v, ${c.map((m) => `'${m}'`).join(', ')}), julianday(v, ${c.map((m) => `'${m}'`).join(', ')})`);
      const values = INSTANTS.map((v, i) => `(${i}, ${lit(v)})`).join(', ');
      const sql = `WITH tv(k, v) AS (VALUES ${values}) SELECT k, ${columns.join(', ')} FROM tv ORDER BY k`;
      const [h, o] = pair.run(sql);
      expect(o.error).toBeUndefined();
      expect(h).toEqual(o);
    });
  }
});
