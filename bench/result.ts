import { median } from './stats';

/** One line of the results table. */
export interface Row {
  readonly variant: string;
  /** The measured result, formatted (events/s, latency percentiles, memory). */
  readonly result: string;
  /** The result as a ratio to the scenario's hand-written baseline ('baseline' on the baseline's own row, '' when not comparable). */
  readonly ratio: string;
  /** Repetitions or other detail, formatted. */
  readonly detail: string;
}

/** A target from the issue, checked against this run (reported, never asserted). */
export interface TargetCheck {
  readonly target: string;
  readonly measured: string;
  readonly met: boolean;
}

/** What one scenario reports. */
export interface ScenarioResult {
  readonly title: string;
  readonly rows: Row[];
  readonly targets: TargetCheck[];
  readonly notes: string[];
}

/** `1,234,567` */
export function formatCount(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

/** `1.23×` */
export function formatRatio(value: number): string {
  return `${value.toFixed(2)}×`;
}

/** `0.42 ms` */
export function formatMs(value: number): string {
  return `${value < 10 ? value.toFixed(2) : value.toFixed(1)} ms`;
}

/** `123.4 MB` */
export function formatMb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** Repetitions of a throughput measurement: values in events per second. */
export class Throughput {
  private readonly samples = new Map<string, number[]>();

  add(variant: string, perSecond: number): void {
    const list = this.samples.get(variant) ?? [];
    list.push(perSecond);
    this.samples.set(variant, list);
  }

  median(variant: string): number {
    return median(this.samples.get(variant) ?? []);
  }

  /** A table row: the median, its ratio to `baseline`'s median, and every repetition. */
  row(variant: string, baseline: string, unit = 'events/s'): Row {
    const value = this.median(variant);
    const ratio = variant === baseline ? 'baseline' : formatRatio(value / this.median(baseline));
    const reps = (this.samples.get(variant) ?? []).map((v) => formatCount(v)).join(', ');
    return { variant, result: `${formatCount(value)} ${unit}`, ratio, detail: `median of ${reps}` };
  }
}
