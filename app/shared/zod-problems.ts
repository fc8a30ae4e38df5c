import type { z } from 'zod';
import type { FieldProblem } from './errors';

/** Flattens zod issues into dotted-path problems with the (Chinese) messages the schemas carry. */
export function zodProblems(error: z.ZodError, prefix = ''): FieldProblem[] {
  return error.issues.map((issue) => {
    const path = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
    return { path: path || '(根)', message: issue.message };
  });
}

export function describeProblems(problems: readonly FieldProblem[]): string {
  return problems.map((p) => `${p.path}：${p.message}`).join('；');
}
