export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  /** the target, in words, e.g. "< 300 ms" or ">= 0.7" */
  goal: string;
  /** the raw baseline measured in the same process, in the same unit */
  baseline?: number;
  /** baseline cost / our cost (for times) or our rate / baseline rate (for throughputs): 1.0 = as fast as raw */
  ratio?: number;
}

export interface Bench {
  name: string;
  run(): Promise<BenchResult[]>;
}

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export function round(n: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
