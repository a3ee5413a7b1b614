/**
 * The listener bus: the scheduler posts events, users and the live page subscribe to an rxjs
 * Observable. Layer: events. Runs in: driver.
 */
import { Observable, Subject } from 'rxjs';
import type { ListenerEvent } from './listener-events.js';

/** Posts listener events to subscribers (Spark's LiveListenerBus, synchronous here). */
export class EventBus {
  private readonly subject = new Subject<ListenerEvent>();
  /** Read-only stream of every event posted from now on. */
  readonly events: Observable<ListenerEvent> = this.subject.asObservable();

  /** True when someone listens, so callers can skip building events nobody reads. */
  get observed(): boolean {
    return this.subject.observed;
  }

  post(event: ListenerEvent): void {
    if (this.subject.observed) this.subject.next(event);
  }

  complete(): void {
    this.subject.complete();
  }
}
