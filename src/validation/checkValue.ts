import type { StandardSchemaIssue, StandardSchemaResult, StandardSchemaV1 } from './StandardSchema';

/** One problem a schema found, with its path as plain keys (`[]`: the value itself). */
export interface ValidationIssue {
  readonly message: string;
  readonly path: readonly PropertyKey[];
}

/** The outcome of validating one value: the schema's output, or its issues. */
export type Checked<T> = { readonly valid: true; readonly value: T } | { readonly valid: false; readonly issues: readonly ValidationIssue[]; readonly cause?: unknown };

/**
 * Validates `value` with `schema`: synchronously when the schema answers synchronously, as a
 * Promise only when it answers with one. Never throws nor rejects: a `validate` that throws, or
 * answers something that is neither a value nor issues, is an issue of its own.
 */
export function checkValue<T>(schema: StandardSchemaV1<unknown, T>, value: unknown): Checked<T> | Promise<Checked<T>> {
  let result: StandardSchemaResult<T> | Promise<StandardSchemaResult<T>>;
  try {
    result = schema['~standard'].validate(value);
  } catch (error) {
    return threw(error);
  }
  return isPromiseLike(result) ? Promise.resolve(result).then(checkedOf, threw) : checkedOf(result);
}

/** True for a Promise (or any thenable): an asynchronous outcome. */
export function isPromiseLike<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/** The issues as text: `path: message`, separated by `; `. */
export function describeIssues(issues: readonly ValidationIssue[]): string {
  if (issues.length === 0) return 'the schema refused it without an issue';
  return issues.map((issue) => (issue.path.length === 0 ? issue.message : `${pathText(issue.path)}: ${issue.message}`)).join('; ');
}

/** A path such as `items[0].name`. */
function pathText(path: readonly PropertyKey[]): string {
  let text = '';
  for (const key of path) {
    if (typeof key === 'number') text += `[${key}]`;
    else if (typeof key === 'symbol') text += `[${key.toString()}]`;
    else text += text === '' ? key : `.${key}`;
  }
  return text;
}

function checkedOf<T>(result: StandardSchemaResult<T>): Checked<T> {
  if (typeof result !== 'object' || result === null) return { valid: false, issues: [{ message: `the schema's validate answered ${String(result)}, neither a value nor issues`, path: [] }] };
  if (result.issues) return { valid: false, issues: result.issues.map(toIssue) };
  return { valid: true, value: result.value };
}

function toIssue(issue: StandardSchemaIssue): ValidationIssue {
  const path = (issue.path ?? []).map((segment) => (typeof segment === 'object' && segment !== null ? segment.key : segment));
  return { message: String(issue.message), path };
}

function threw(error: unknown): Checked<never> {
  return { valid: false, issues: [{ message: `the schema's validate threw: ${error instanceof Error ? error.message : String(error)}`, path: [] }], cause: error };
}
