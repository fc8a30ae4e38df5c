import type { ErrorCode } from '../../../app/shared/errors';
import { toFailure, type Failure } from '../api/pos';
import { showToast, type ToastKind } from '../stores/toast';
import { ErrorMessage } from './Field';

export type NhsaErrorCode = 'NHSA_REFUSED' | 'NHSA_NOT_SENT' | 'NHSA_UNKNOWN';

interface NhsaErrorStyle {
  /** the lead the cashier reads first */
  title: string;
  /** what it means for the money and what to do */
  hint: string;
  tone: Extract<ToastKind, 'refused' | 'not-sent' | 'unknown'>;
}

/**
 * Three different situations, never one "失败": the center said no (nothing happened, the reason
 * is the center's); nothing left the till (nothing happened, fix and retry); or nobody knows
 * (it may have happened: do not repeat, check the journal — a settlement is reversed automatically).
 */
export const NHSA_ERRORS: Record<NhsaErrorCode, NhsaErrorStyle> = {
  NHSA_REFUSED: {
    title: '医保中心拒绝',
    hint: '医保中心已收到请求，但没有办理。请按上面的原因处理后再试。',
    tone: 'refused',
  },
  NHSA_NOT_SENT: {
    title: '未发送',
    hint: '请求没有发到医保中心，医保中心没有办理。检查网络或输入后可以放心重试。',
    tone: 'not-sent',
  },
  NHSA_UNKNOWN: {
    title: '结果未知',
    hint: '请求可能已被医保中心办理。请不要重复操作，先在“医保接口日志”中核对；药店结算会由系统自动冲正。',
    tone: 'unknown',
  },
};

export function isNhsaError(code: ErrorCode): code is NhsaErrorCode {
  return code in NHSA_ERRORS;
}

/** Shows any refusal; the three insurance outcomes each in their own colour and words. */
export function CallErrorMessage({ failure }: { failure: Failure | null | undefined }) {
  if (!failure) return null;
  if (!isNhsaError(failure.code)) return <ErrorMessage text={failure.message} />;
  const style = NHSA_ERRORS[failure.code];
  return (
    <div
      className={`nhsa-error nhsa-error-${style.tone}`}
      role="alert"
      data-testid="nhsa-error"
      data-code={failure.code}
    >
      <div className="nhsa-error-title">{style.title}</div>
      <div className="nhsa-error-message">{failure.message}</div>
      {failure.fields.length > 0 ? (
        <ul className="nhsa-error-fields">
          {failure.fields.map((f, i) => (
            <li key={i}>
              {f.message} <span className="mono small">{f.path}</span>
            </li>
          ))}
        </ul>
      ) : null}
      <div className="nhsa-error-hint">{style.hint}</div>
    </div>
  );
}

/** A refusal as a notice, for actions that have no form of their own to show it in. */
export function toastFailure(e: unknown): void {
  const failure = toFailure(e);
  if (isNhsaError(failure.code)) {
    const style = NHSA_ERRORS[failure.code];
    showToast(style.tone, failure.message, style.title);
  } else {
    showToast('error', failure.message);
  }
}
