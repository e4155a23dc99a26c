/**
 * What a worker measured of one call, for the executor's task profiles
 * (API.md "Measured traits"). Workers measure a sample of calls, not all:
 * reading a thread's CPU time is a file read.
 */
export interface CallSample {
  /** Wall time from the call's start to its settlement, ms. */
  runMs: number;
  /** Of that, the time until the task function returned (its synchronous part), ms. */
  syncMs: number;
  /** CPU time of the call's thread (or process) over the call, ms; undefined where it cannot be read. */
  cpuMs: number | undefined;
  /**
   * Of `syncMs`, the time the thread was ready to run but waited for a CPU
   * (RunQueueClock, Linux), ms. Profiles take it out of `runMs` and `syncMs`:
   * a busy machine must not make a computing call look blocked. @default 0
   */
  queuedMs?: number;
}
