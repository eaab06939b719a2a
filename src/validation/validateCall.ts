import { ValidationError, type ValidationPhase } from '../errors/ValidationError';
import { checkValue, isPromiseLike, type Checked } from './checkValue';
import type { StandardSchemaV1 } from './StandardSchema';

/**
 * The schema's outputs of every value of one call, in order; or a {@link ValidationError} for the
 * first invalid one (thrown, or the Promise rejects with it). Synchronous unless the schema answers
 * with a Promise; every value is validated before the outcome is known, so nothing is written early.
 */
export function validateCall<T>(schema: StandardSchemaV1<unknown, T>, stream: string, values: readonly T[], phase: ValidationPhase = 'produce'): T[] | Promise<T[]> {
  const outcomes = values.map((value) => checkValue(schema, value));
  if (!outcomes.some(isPromiseLike)) return outputsOf(outcomes as Checked<T>[], stream, phase);
  return Promise.all(outcomes.map((outcome) => Promise.resolve(outcome))).then((settled) => outputsOf(settled, stream, phase));
}

function outputsOf<T>(outcomes: readonly Checked<T>[], stream: string, phase: ValidationPhase): T[] {
  const outputs: T[] = [];
  for (let index = 0; index < outcomes.length; index++) {
    const outcome = outcomes[index] as Checked<T>;
    if (!outcome.valid) throw new ValidationError(stream, index, outcome.issues, phase, outcome.cause);
    outputs.push(outcome.value);
  }
  return outputs;
}

/** The values to write for a definition: its schema's outputs of `values` (see {@link validateCall}), or `values` themselves without a schema. */
export function outputsToWrite<T>(definition: { readonly name: string; readonly schema?: StandardSchemaV1<unknown, T> }, values: readonly T[], phase: ValidationPhase = 'produce'): readonly T[] | Promise<readonly T[]> {
  return definition.schema ? validateCall(definition.schema, definition.name, values, phase) : values;
}
