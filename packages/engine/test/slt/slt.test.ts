// Runs sqllogictest scripts as Vitest tests, one test per script.
//
// What runs is set by the environment (scripts/slt.mjs sets it from its command line):
//   HEARTH_SLT_PATHS          unset/"ci": the CI selection; "all": the whole corpus; else paths, one per line
//   HEARTH_SLT_ENGINE         hearth (default: Hearth's SQL engine) or sqlite (real SQLite through better-sqlite3)
//   HEARTH_SLT_CORPUS         the corpus directory (default ../shared/sqllogictest from the repository root)
//   HEARTH_SLT_MAX_FAILURES   failures printed per script (default 5)
//   HEARTH_SLT_LIST_FAILURES  write every failure, as JSON, to this file
//   HEARTH_SLT_TIMEOUT        per-script time limit in seconds (default 1800)
// Without the corpus the CI selection is skipped with a message. With Hearth, a script's records listed in
// known-failures.ts (each with its cause) must fail, and every other record must pass.

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { selectFiles } from './corpus.js';
import { knownFailures } from './known-failures.js';
import { engineFactoryFromEnv, engineNameFromEnv } from './engines.js';
import { failuresJson, fileReport, summaryText } from './report.js';
import { runSltFile } from './runner.js';
import type { FileResult } from './runner.js';

const env = process.env;
const say = (text: string): void => {
  process.stdout.write(`${text}\n`);
};

function positiveInt(name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, not '${raw}'`);
  return n;
}

const engineName = engineNameFromEnv(env);
const createEngine = engineFactoryFromEnv(env);
const selection = selectFiles(env);
const maxPrinted = positiveInt('HEARTH_SLT_MAX_FAILURES', 5);
const listFailures = env['HEARTH_SLT_LIST_FAILURES']?.trim() || undefined;
const timeoutMs = positiveInt('HEARTH_SLT_TIMEOUT', 1800) * 1000;

if (selection.kind === 'skip') {
  describe('sqllogictest', () => {
    say(`sqllogictest: ${selection.reason}`);
    it.skip(`skipped: ${selection.reason}`, () => {});
  });
} else {
  const { files, corpus } = selection;
  const results: FileResult[] = [];

  describe(`sqllogictest (${selection.kind}, engine ${engineName})`, () => {
    afterAll(() => {
      if (results.length === 0) return;
      say(summaryText(results, engineName));
      const known = results.reduce((n, r) => n + (knownFailures(r.file, engineName)?.lines.length ?? 0), 0);
      if (known > 0) say(`sqllogictest: ${known} of those failures are the known ones of known-failures.ts (each must fail; any other fails the run)`);
      if (listFailures !== undefined) {
        mkdirSync(dirname(listFailures), { recursive: true });
        writeFileSync(listFailures, failuresJson(results, engineName, corpus));
        say(`sqllogictest: failures written to ${listFailures}`);
      }
    });

    if (files.length === 0) {
      it.skip('no sqllogictest scripts selected', () => {});
    }
    for (const file of files) {
      it(
        file.name,
        () => {
          const known = knownFailures(file.name, engineName);
          const details = listFailures !== undefined || known ? Number.MAX_SAFE_INTEGER : maxPrinted;
          const result = runSltFile(file.path, createEngine, { maxFailureDetails: details }, file.name);
          results.push(result);
          say(fileReport(result, maxPrinted));
          if (!known) {
            expect(result.failed, `${result.failed} sqllogictest record(s) failed in ${file.name}`).toBe(0);
            return;
          }
          const failedLines = result.failures.map((f) => f.line).sort((a, b) => a - b);
          expect(failedLines, `failing records of ${file.name} (known: ${known.cause})`).toEqual([...known.lines].sort((a, b) => a - b));
        },
        timeoutMs,
      );
    }
  });
}
