// @hearth/client's whole API in Node, where connect() runs the engine in-process on files.
import { connect, importDatabase, deleteDatabase, SqliteError } from '@hearth/client';

const path = process.argv[2] ?? 'todos.db';
const db = await connect(path);
await db.exec('CREATE TABLE IF NOT EXISTS todos(id INTEGER PRIMARY KEY, title TEXT NOT NULL, done INTEGER DEFAULT 0)');
const insert = db.prepare('INSERT INTO todos(title) VALUES (?)');
console.log(await insert.run(['milk'])); // { changes: 1, lastInsertRowid: 1 }
await db.batch(['INSERT INTO todos(title) VALUES (\'eggs\')', { sql: 'INSERT INTO todos(title, done) VALUES (?, ?)', args: ['bread', 1] }]);
console.log(await db.prepare('SELECT * FROM todos WHERE id = ?').get(1)); // { id: 1, title: 'milk', done: 0 }
console.log(await db.prepare('SELECT title FROM todos ORDER BY id').pluck().all()); // [ 'milk', 'eggs', 'bread' ]
console.log(await db.prepare('SELECT id, done FROM todos WHERE done = 1').raw().all()); // [ [ 3, 1 ] ]
console.log(await db.prepare('SELECT count(*) FROM todos').pluck().safeIntegers().get()); // 3n
console.log((await db.prepare('SELECT title FROM todos').columns()).map((c) => c.type)); // [ 'TEXT' ]
for await (const todo of db.prepare('SELECT title FROM todos WHERE done = 0').iterate()) console.log(todo.title); // milk, eggs
await db.transaction(async (tx) => {
  await tx.prepare('UPDATE todos SET done = 1 WHERE title = ?').run('milk');
}); // committed; a throw inside would roll it back
await db.function('shout', (s) => `${s}!`);
console.log(await db.prepare("SELECT shout(title) AS s FROM todos WHERE done = 1 ORDER BY id").pluck().all()); // [ 'milk!', 'bread!' ]
console.log(await db.pragma('journal_mode', { simple: true })); // wal
try {
  await db.exec('INSERT INTO todos(title) VALUES (NULL)');
} catch (err) {
  console.log(err instanceof SqliteError, err.code); // true SQLITE_CONSTRAINT_NOTNULL
}
const bytes = await db.export(); // a standard SQLite file
await db.close();
await importDatabase(`${path}.copy`, bytes);
const copy = await connect(`${path}.copy`);
console.log(await copy.prepare('SELECT count(*) FROM todos').pluck().get()); // 3
await copy.close();
await deleteDatabase(`${path}.copy`);
