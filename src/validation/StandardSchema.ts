/**
 * A validator that implements Standard Schema v1 (https://standardschema.dev): a zod 4, valibot or
 * ArkType schema, among others, is one. It is the type of a definition's `schema` option, whose
 * `Output` is the definition's value type. Only the interface is used: no schema library is a dependency.
 */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  /** The Standard Schema properties. */
  readonly '~standard': {
    /** The version of the standard: 1. */
    readonly version: 1;
    /** The schema library's name. */
    readonly vendor: string;
    /**
     * Validates an unknown value, synchronously or as a Promise: its output, or the issues found (each a
     * message, and where in the value as keys or `{ key }` segments).
     */
    readonly validate: (
      value: unknown,
    ) =>
      | { readonly value: Output; readonly issues?: undefined }
      | { readonly issues: readonly { readonly message: string; readonly path?: readonly (PropertyKey | { readonly key: PropertyKey })[] | undefined }[] }
      | Promise<{ readonly value: Output; readonly issues?: undefined } | { readonly issues: readonly { readonly message: string; readonly path?: readonly (PropertyKey | { readonly key: PropertyKey })[] | undefined }[] }>;
    /** The schema's input and output types, for inference only. */
    readonly types?: { readonly input: Input; readonly output: Output } | undefined;
  };
}

/** What a schema's `validate` answers. */
export type StandardSchemaResult<Output> = Awaited<ReturnType<StandardSchemaV1<unknown, Output>['~standard']['validate']>>;

/** One problem found by a schema. */
export type StandardSchemaIssue = Extract<StandardSchemaResult<unknown>, { readonly issues: unknown }>['issues'][number];
