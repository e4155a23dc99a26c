/**
 * The async backend's defaults, on their own: the policy's sizing reads the
 * concurrency without loading the backend's code.
 */

/** Default concurrency when neither `concurrency` nor `expectedCount` says: the guide's "many" line. */
export const DEFAULT_ASYNC_CONCURRENCY = 500;
/** @see ExecutorOptions.blockWarningMs */
export const DEFAULT_BLOCK_WARNING_MS = 100;
