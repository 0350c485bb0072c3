/** Small valibot helpers shared by the readers of structured input files. */
import * as v from 'valibot';

/**
 * A mapping (TOML table, YAML mapping, JSON object) checked by `schema`. valibot's object and
 * record schemas also accept arrays, which are never what a file means by a table.
 */
export function mapping<TSchema extends v.GenericSchema<object>>(schema: TSchema, message: string) {
  const isMapping = (input: unknown) => typeof input === 'object' && input !== null && !Array.isArray(input);
  return v.pipe(v.custom<v.InferInput<TSchema>>(isMapping, message), schema);
}

/**
 * A mapping of names from a file or a user to values checked by `value`, as an object with every
 * own key. valibot's `record` silently drops the keys `__proto__`, `constructor` and `prototype`
 * (so a project's extra named `constructor` would vanish); here they are checked and kept, as
 * own properties, so a lookup never reaches Object.prototype's.
 */
export function ownRecord<TValue extends v.GenericSchema>(value: TValue, message: string) {
  const isMapping = (input: unknown) => typeof input === 'object' && input !== null && !Array.isArray(input);
  return v.pipe(
    v.custom<Record<string, unknown>>(isMapping, message),
    v.transform((input) => new Map(Object.entries(input))),
    v.map(v.string(), value),
    v.transform((entries) => Object.fromEntries(entries) as Record<string, v.InferOutput<TValue>>),
  );
}
