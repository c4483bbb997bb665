/**
 * The JSON functions' entries in the function registry: names, argument counts and which variant
 * (text or JSONB result, edit mode, operator) each name is.
 */
import type { AggregateFactory, ScalarFunction } from '../types.js';
import {
  ARROW_JSON,
  ARROW_SQL,
  EDIT_MODES,
  EXTRACT,
  jsonArrayLength,
  jsonErrorPosition,
  jsonPretty,
  jsonQuote,
  jsonType,
  jsonValid,
  makeJson,
  makeJsonArray,
  makeJsonEdit,
  makeJsonExtract,
  makeJsonGroupArray,
  makeJsonGroupObject,
  makeJsonObject,
  makeJsonPatch,
  makeJsonRemove,
} from './functions.js';

type AddScalar = (name: string, min: number, max: number, implementation: ScalarFunction) => void;
type AddAggregate = (name: string, min: number, max: number, implementation: AggregateFactory, invertible: boolean) => void;

const ANY = Infinity;

/** Registers every JSON function through the registry's own `scalar` and `aggregate`. */
export function registerJsonFunctions(scalar: AddScalar, aggregate: AddAggregate): void {
  for (const blob of [false, true]) {
    const p = blob ? 'jsonb' : 'json';
    scalar(p, 1, 1, makeJson(blob));
    scalar(`${p}_array`, 0, ANY, makeJsonArray(blob));
    scalar(`${p}_object`, 0, ANY, makeJsonObject(blob));
    scalar(`${p}_extract`, 0, ANY, makeJsonExtract(EXTRACT, blob));
    scalar(`${p}_insert`, 0, ANY, makeJsonEdit(EDIT_MODES.insert, blob));
    scalar(`${p}_replace`, 0, ANY, makeJsonEdit(EDIT_MODES.replace, blob));
    scalar(`${p}_set`, 0, ANY, makeJsonEdit(EDIT_MODES.set, blob));
    scalar(`${p}_array_insert`, 0, ANY, makeJsonEdit(EDIT_MODES.arrayInsert, blob));
    scalar(`${p}_remove`, 0, ANY, makeJsonRemove(blob));
    scalar(`${p}_patch`, 2, 2, makeJsonPatch(blob));
    aggregate(`${p}_group_array`, 1, 1, makeJsonGroupArray(blob), true);
    aggregate(`${p}_group_object`, 2, 2, makeJsonGroupObject(blob), true);
  }
  scalar('->', 2, 2, makeJsonExtract(ARROW_JSON, false));
  scalar('->>', 2, 2, makeJsonExtract(ARROW_SQL, false));
  scalar('json_quote', 1, 1, jsonQuote);
  scalar('json_array_length', 1, 2, jsonArrayLength);
  scalar('json_type', 1, 2, jsonType);
  scalar('json_valid', 1, 2, jsonValid);
  scalar('json_error_position', 1, 1, jsonErrorPosition);
  scalar('json_pretty', 1, 2, jsonPretty);
}
