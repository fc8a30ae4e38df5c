/**
 * How a sync fails: a Chinese message for the person at the screen, a precise English one for the log, and
 * the bad rows (file, line, field) when rows are the reason. Anything else thrown inside a sync is a bug and
 * is reported as an internal error.
 */

export interface RowProblem {
  /** the file inside the zip, or `<infno> page N` for a paged query */
  file: string;
  /** 1-based line in the file (or row number across pages) */
  line: number;
  field: string;
  message: string;
}

export class SyncFailure extends Error {
  constructor(
    /** shown to the user */
    readonly zh: string,
    /** written to the log */
    readonly en: string,
    readonly problems: readonly RowProblem[] = [],
    /** the run was stopped from outside (shutdown), not by bad input */
    readonly interrupted = false,
  ) {
    super(en);
    this.name = 'SyncFailure';
  }
}

/** At most this many problems are kept per run: a file with a systematic defect must not flood the report. */
export const MAX_PROBLEMS = 300;
