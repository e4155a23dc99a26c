/**
 * The messages a process pool and its children exchange over the IPC channel
 * (`serialization: 'advanced'`, so every value is a structured clone).
 *
 * Messages are flat arrays whose first element is a tag: flat arrays of
 * numbers and values clone faster than arrays of small objects, and one
 * message carries several requests or results (one write, one read, one
 * deserialisation for many tasks). A task's module and export are sent once
 * per child (`define`); requests name it by a small integer key.
 */

export const TAG = {
  /** Parent -> child: `[define, key, module, exportName, label]`. */
  define: 0,
  /** Parent -> child: `[run, id, key, batch (0|1), input, id, key, batch, input, ...]`. */
  run: 1,
  /** Child -> parent: `[ready]`, sent once the child listens for requests. */
  ready: 2,
  /** Child -> parent: `[results, id, ok (0|1), value or serialized error, ...]`. */
  results: 3,
} as const;

/** Elements per request in a `run` message, after the tag. */
export const RUN_STRIDE = 4;
/** Elements per result in a `results` message, after the tag. */
export const RESULT_STRIDE = 3;

export type DefineMessage = [typeof TAG.define, key: number, module: string, name: string, label: string];
export type RunMessage = [typeof TAG.run, ...unknown[]];
export type ReadyMessage = [typeof TAG.ready];
export type ResultsMessage = [typeof TAG.results, ...unknown[]];

export type ParentMessage = DefineMessage | RunMessage;
export type ChildMessage = ReadyMessage | ResultsMessage;
