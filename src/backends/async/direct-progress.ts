/** Progress of a direct-path call of the async backend (one with no caller's onProgress). */
import type { EventEmitter } from 'eventemitter3';
import type { CallContext, ContextSink } from '../../core/task-context.js';
import type { TaskSignal } from '../../core/task-signal.js';
import type { ExecutorEvents } from '../../executor.js';

/** `taskProgress` events while the call runs (it has no caller's onProgress). */
export class DirectProgress implements ContextSink {
  readonly attempt = 1;
  #done = false;
  #contexts: CallContext[] | undefined;

  constructor(
    readonly events: EventEmitter<ExecutorEvents>,
    readonly id: number,
    readonly label: string,
  ) {}

  progress(value: unknown): void {
    if (this.#done || this.events.listenerCount('taskProgress') === 0) return;
    this.events.emit('taskProgress', { id: this.id, task: this.label, backend: 'async', value });
  }

  /** The call settled: no more progress, and its context stops listening for destroy(). */
  end(source: TaskSignal): void {
    this.#done = true;
    for (const context of this.#contexts ?? []) source.removeEventListener('abort', context);
  }

  /** A context that follows the shared destroy() signal (CallContext asks when the task reads ctx.signal). */
  following(context: CallContext): void {
    (this.#contexts ??= []).push(context);
  }
}
