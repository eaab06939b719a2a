import type { StandardSchemaV1 } from '../validation/StandardSchema';

/**
 * The `schema` option of a stream definition, checked: a Standard Schema v1 validator, frozen into
 * the definition as `{ schema }`, or nothing.
 * @throws TypeError when it is not a Standard Schema v1 validator.
 */
export function schemaOption<T>(owner: string, schema: StandardSchemaV1<unknown, T> | undefined): { readonly schema?: StandardSchemaV1<unknown, T> } {
  if (schema === undefined) return {};
  const props = (schema as Partial<StandardSchemaV1> | null)?.['~standard'];
  if ((typeof schema !== 'object' && typeof schema !== 'function') || schema === null || typeof props !== 'object' || props === null || props.version !== 1 || typeof props.validate !== 'function') {
    throw new TypeError(`rx-redis-events: ${owner} option schema must be a Standard Schema v1 validator (an object with "~standard": { version: 1, validate }), such as a zod or valibot schema`);
  }
  return { schema };
}
