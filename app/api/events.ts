import type { PosEventName, PosEvents } from '../shared/contract';

export type PosEventListener = <E extends PosEventName>(name: E, data: PosEvents[E]) => void;

/** Main-side event bus; the shells forward what it emits to every connected UI. */
export class PosEventBus {
  private readonly listeners = new Set<PosEventListener>();

  on(listener: PosEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit<E extends PosEventName>(name: E, data: PosEvents[E]): void {
    for (const l of this.listeners) l(name, data);
  }
}
