// Tasks the process benchmark sends to every pool: one module, so all pools run the same code.
/** The tiny task: the cost measured is the pool's, not the task's. */
export default function echo(input) {
  return input;
}
/** About `ms` of CPU: a busy loop on the clock (no sleeping, no allocation). */
export function spin(ms) {
  const end = performance.now() + ms;
  let n = 0;
  while (performance.now() < end) n++;
  return n;
}
