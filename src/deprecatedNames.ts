// The names of 0.1.0, kept for one release and removed in the next.
import type { HandlingOutcome, MaybeAsync, Settleable } from './operators/ackAfter';
import type { ProduceToService } from './producer/produceTo';

/** @deprecated Use {@link ProduceToService}: the same type. */
export type Producing = ProduceToService;

/** @deprecated Use {@link MaybeAsync}: the same type. */
export type HandlerResult<R> = MaybeAsync<R>;

/** @deprecated Use {@link HandlingOutcome}: the same type. */
export type AckOutcome<D, R> = HandlingOutcome<D, R>;

/** @deprecated Use {@link Settleable}: the same type. */
export type Ackable = Settleable;
