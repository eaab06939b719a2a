/** How a mismatch of one expectation is described: its title and how its values are written. */
export interface MarbleLabel {
  /** First line of the message, such as `acks differ`. */
  readonly title: string;
  /** The letter of an actual value, when it is not found by comparing with the expected values. */
  readonly letterOf?: (value: unknown) => string;
  /** Text written after a side's diagram, from that side's values (such as the nack delays). */
  readonly details?: (values: readonly unknown[]) => string;
}

const labels = new WeakMap<object, MarbleLabel>();

/** Gives the Observable passed to `expectObservable` a label for mismatch messages. */
export function labelObservable(observable: object, label: MarbleLabel): void {
  labels.set(observable, label);
}

/** The label of an Observable, if it has one. */
export function labelOf(observable: object): MarbleLabel | undefined {
  return labels.get(observable);
}
