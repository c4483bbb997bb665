#!/usr/bin/env node
/**
 * `hearth [OPTIONS] [FILE] [SQL…]`: Hearth's command-line shell, for scripts. It opens FILE (default
 * `:memory:`), runs the SQL given as further arguments or else reads SQL from stdin, and prints
 * results as Debian's sqlite3 3.40 does for input that is not a terminal (see shell.ts).
 *
 * Options, as sqlite3's: -bail, -header / -noheader, -csv, -list, -line, -separator SEP,
 * -newline SEP, -nullvalue TEXT, -cmd COMMAND (repeatable), -batch (accepted; input is never
 * interactive). Node only; the engine's entry points never import it. New files are created in
 * rollback-journal mode, as sqlite3 creates them.
 */
import { readFileSync, writeSync } from 'node:fs';
import { Database } from '../node.js';
import { Shell } from './shell.js';

const encoder = new TextEncoder();

function writeAll(fd: number, bytes: Uint8Array): void {
  for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at, bytes.length - at);
}

/** Collects stdout into one buffer, written before anything goes to stderr and at the end. */
class Output {
  private chunks: Uint8Array[] = [];
  private size = 0;

  add(bytes: Uint8Array): void {
    this.chunks.push(bytes);
    this.size += bytes.length;
    if (this.size > 1 << 16) this.flush();
  }

  flush(): void {
    if (this.size === 0) return;
    const all = new Uint8Array(this.size);
    let at = 0;
    for (const c of this.chunks) {
      all.set(c, at);
      at += c.length;
    }
    this.chunks = [];
    this.size = 0;
    writeAll(1, all);
  }
}

function main(argv: string[]): number {
  const out = new Output();
  const err = (text: string): void => {
    out.flush();
    writeAll(2, encoder.encode(text));
  };
  const commands: string[] = [];
  const settings: ((shell: Shell) => void)[] = [];
  let file: string | null = null;
  const sql: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    // As sqlite3: options anywhere; the first other argument is the file, the rest SQL or commands.
    if (!arg.startsWith('-')) {
      if (file === null) file = arg;
      else sql.push(arg);
      continue;
    }
    const option = arg.replace(/^--?/, '');
    const value = (): string => {
      if (i + 1 >= argv.length) {
        err(`hearth: Error: missing argument to ${arg}\n`);
        throw new Error('usage');
      }
      return argv[++i]!;
    };
    switch (option) {
      case 'bail':
        settings.push((s) => (s.bail = true));
        break;
      case 'header':
        settings.push((s) => (s.headers = true));
        break;
      case 'noheader':
        settings.push((s) => (s.headers = false));
        break;
      case 'csv':
        // Unlike `.mode csv`, the option keeps the row separator.
        settings.push((s) => ((s.mode = 'csv'), (s.colSeparator = ',')));
        break;
      case 'list':
        settings.push((s) => (s.mode = 'list'));
        break;
      case 'line':
        settings.push((s) => (s.mode = 'line'));
        break;
      case 'separator': {
        const sep = value();
        settings.push((s) => (s.colSeparator = sep));
        break;
      }
      case 'newline': {
        const sep = value();
        settings.push((s) => (s.rowSeparator = sep));
        break;
      }
      case 'nullvalue': {
        const text = value();
        settings.push((s) => (s.nullValue = text));
        break;
      }
      case 'cmd':
        commands.push(value());
        break;
      case 'batch':
        break;
      default:
        err(`hearth: Error: unknown option: ${arg}\nUse -help for a list of options.\n`);
        return 1;
    }
  }
  let db: Database;
  try {
    db = new Database(file ?? ':memory:', { journalMode: 'delete' });
  } catch (e) {
    err(`Error: unable to open database "${file}": ${(e as Error).message}\n`);
    return 1;
  }
  try {
    const shell = new Shell(db, (bytes) => out.add(bytes), err);
    for (const set of settings) set(shell);
    for (const command of commands) {
      const outcome = shell.command(command, true);
      if (outcome) return outcome.exitCode;
    }
    for (const command of sql) {
      const outcome = shell.command(command, false);
      if (outcome) return outcome.exitCode;
    }
    if (sql.length > 0) return shell.failed ? 1 : 0;
    return shell.run(readFileSync(0, 'utf8')).exitCode;
  } finally {
    out.flush();
    db.close();
  }
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (e) {
  if (!(e instanceof Error && e.message === 'usage')) throw e;
  process.exitCode = 1;
}
