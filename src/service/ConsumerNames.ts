/**
 * Names the consumers of one service: subscription `n` to a stream is `<consumer>#<n>`, with `n` the
 * lowest number not in use. A number is free again once its subscription has ended and every
 * delivery it emitted is settled, so a new subscription under that name takes over (at once) what
 * the old one left pending, and never what is still in a handler.
 */
export class ConsumerNames {
  private readonly inUse = new Map<string, Set<number>>();

  constructor(private readonly consumer: string) {}

  /** Takes the lowest free name for a subscription to `stream`; `release()` gives it back. */
  take(stream: string): { readonly name: string; readonly release: () => void } {
    const used = this.inUse.get(stream) ?? new Set<number>();
    this.inUse.set(stream, used);
    let n = 1;
    while (used.has(n)) n++;
    used.add(n);
    return { name: `${this.consumer}#${n}`, release: () => used.delete(n) };
  }
}
