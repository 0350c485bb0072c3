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
