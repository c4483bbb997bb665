/**
 * The built-in table-valued functions, by name (case-insensitive): json_each, json_tree and their
 * jsonb_ forms.
 */
import { type TableFunctionModule, jsonEachModule } from './json/each.js';

export type { TableFunctionCursor, TableFunctionModule } from './json/each.js';

const modules = new Map<string, TableFunctionModule>([
  ['json_each', jsonEachModule(false, false)],
  ['json_tree', jsonEachModule(true, false)],
  ['jsonb_each', jsonEachModule(false, true)],
  ['jsonb_tree', jsonEachModule(true, true)],
]);

/** The table-valued function `name`, or undefined. */
export function lookupTableFunction(name: string): TableFunctionModule | undefined {
  return modules.get(name.toLowerCase());
}
