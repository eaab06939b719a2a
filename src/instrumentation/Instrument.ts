import { Observable, Subject, type SchedulerLike } from 'rxjs';
import type { InstrumentationEvent, UnstampedEvent } from './InstrumentationEvent';

/**
 * The source behind `EventService.instrumentation$`. Emitters check {@link Instrument.on} before they
 * build an event, so a service nobody listens to pays one property read per event.
 */
export class Instrument {
  private readonly subject = new Subject<InstrumentationEvent>();
  /** Whether anyone listens: emitters build events only then. */
  on = false;

  /** **Hot**: events from the moment of subscribing; completes when the service closes. */
  readonly events$: Observable<InstrumentationEvent>;

  constructor(
    private readonly group: string,
    private readonly scheduler: SchedulerLike,
  ) {
    this.events$ = new Observable<InstrumentationEvent>((subscriber) => {
      const subscription = this.subject.subscribe(subscriber);
      this.on = true;
      return () => {
        subscription.unsubscribe();
        this.on = this.subject.observed;
      };
    });
  }

  /** Stamps and emits an event built for this call (call only when {@link Instrument.on}): the time and group are added to it, not copied. */
  emit(event: UnstampedEvent): void {
    const stamped = event as unknown as { timestamp: number; group: string };
    stamped.timestamp = this.scheduler.now();
    stamped.group = this.group;
    this.subject.next(stamped as unknown as InstrumentationEvent);
  }

  /** Completes `events$` for every listener. */
  complete(): void {
    this.subject.complete();
    this.on = false;
  }
}
