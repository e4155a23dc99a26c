/** Median and spread of repeated measurements. */

export interface Summary {
  median: number;
  min: number;
  max: number;
  /** Quartiles (linear interpolation); with fewer than 4 samples they say little, min–max is shown instead. */
  q1: number;
  q3: number;
  samples: number[];
}

function quantile(sorted: number[], q: number): number {
  const at = (sorted.length - 1) * q;
  const low = Math.floor(at);
  const high = Math.ceil(at);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (at - low);
}

export function summarize(samples: number[]): Summary {
  if (samples.length === 0) throw new RangeError('summarize: no samples');
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    median: quantile(sorted, 0.5),
    min: sorted[0]!,
    max: sorted[sorted.length - 1]!,
    q1: quantile(sorted, 0.25),
    q3: quantile(sorted, 0.75),
    samples,
  };
}
