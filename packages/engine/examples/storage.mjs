// Hearth's storage layer on its own: a table in a real SQLite file, written and read without SQL.
import { Btree, NodeVfs, checkIntegrity, createTable, decodeRecord, encodeRecord, readSchema } from '@hearth/engine/node';

const bt = Btree.open(new NodeVfs(), process.argv[2] ?? 'todos.db');

bt.beginWrite();
const existing = readSchema(bt).find((entry) => entry.name === 'todos');
const root = existing?.rootpage ?? createTable(bt, 'todos', 'CREATE TABLE todos(id INTEGER PRIMARY KEY, title TEXT, done INTEGER)');
const writer = bt.cursor(root);
const next = writer.last() ? Number(writer.rowid()) + 1 : 1;
writer.insert(next, encodeRecord([null, 'buy milk', 0])); // the INTEGER PRIMARY KEY is the rowid: stored as NULL
writer.insert(next + 1, encodeRecord([null, 'write the pager', 1]));
writer.close();
bt.commit();

bt.beginRead();
const reader = bt.cursor(root);
for (let ok = reader.first(); ok; ok = reader.next()) console.log(reader.rowid(), decodeRecord(reader.payload()));
reader.close();
console.log(checkIntegrity(bt).length === 0 ? 'integrity ok' : 'corrupt');
bt.endRead();
bt.close();
