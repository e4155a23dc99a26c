/** What every workload reports: one row per contender and metric, with median and spread. */
import type { Family } from './comparators.js';
import { summarize, type Summary } from './stats.js';

export interface Row {
  workload: 'tiny' | 'map' | 'cpu' | 'io' | 'startup' | 'import' | 'payload';
  /** Sub-case: the I/O class id, or '' when the workload has one case. */
  case: string;
  family: Family;
  name: string;
  ours: boolean;
  metric: 'tasks/s' | 'ms' | 'efficiency' | 'MB';
  summary: Summary;
}

export function row(fields: Omit<Row, 'summary'>, samples: number[]): Row {
  return { ...fields, summary: summarize(samples) };
}

/** The median of the one row matching, or undefined. */
export function medianOf(rows: Row[], match: Partial<Omit<Row, 'summary'>>): number | undefined {
  const found = rows.find((r) => Object.entries(match).every(([k, v]) => r[k as keyof Row] === v));
  return found?.summary.median;
}
