/**
 * Error codes that cross the process boundary. The message is always Chinese and meant for the
 * person at the counter; the code is what code branches on.
 */
export const ERROR_CODES = [
  'INVALID_INPUT',
  'UNKNOWN_CHANNEL',
  'NOT_LOGGED_IN',
  'FORBIDDEN',
  'FORBIDDEN_SENDER',
  'AUTH_FAILED',
  'AUTH_LOCKED',
  'AUTH_DISABLED',
  'ALREADY_SET_UP',
  'NOT_FOUND',
  'CONFLICT',
  'WEAK_PASSWORD',
  'SETTINGS_INVALID',
  'DB_UNAVAILABLE',
  'BACKUP_FAILED',
  'NHSA_REFUSED',
  'NHSA_NOT_SENT',
  'NHSA_UNKNOWN',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface FieldProblem {
  /** dotted path of the offending field, e.g. "pharmacy.admdvs" */
  path: string;
  message: string;
}

export interface PosErrorShape {
  code: ErrorCode;
  message: string;
  fields?: FieldProblem[];
}

export type PosResult<T> = { ok: true; value: T } | { ok: false; error: PosErrorShape };

/** Thrown inside the app; turned into `{ ok: false, error }` at the boundary. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly fields?: FieldProblem[];
  /** extra facts for the log line only (never shown to the user, still masked) */
  readonly logDetail?: Record<string, unknown>;

  constructor(
    code: ErrorCode,
    message: string,
    options: { fields?: FieldProblem[]; logDetail?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.fields = options.fields;
    this.logDetail = options.logDetail;
  }

  toShape(): PosErrorShape {
    return this.fields
      ? { code: this.code, message: this.message, fields: this.fields }
      : { code: this.code, message: this.message };
  }
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}
