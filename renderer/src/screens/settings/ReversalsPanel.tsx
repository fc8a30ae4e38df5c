import { useEffect, useState, type FormEvent } from 'react';
import type { NhsaReversalRow } from '../../../../app/shared/contract';
import { canUse } from '../../access';
import { toFailure, type Failure } from '../../api/pos';
import { CallErrorMessage } from '../../components/CallError';
import { Modal } from '../../components/Modal';
import { formatDateTime } from '../../format';
import { useNhsaStore } from '../../stores/nhsa';
import { loadReversals, reverseNow, useReversalsStore, type ReversalFilter } from '../../stores/reversals';
import { useSessionStore } from '../../stores/session';
import { REVERSAL_REASON_LABELS, REVERSAL_STATE_LABELS, REVERSIBLE_LABELS } from './labels';

const FILTERS: readonly { id: ReversalFilter; label: string }[] = [
  { id: 'all', label: '全部' },
  { id: 'pending', label: '待冲正' },
  { id: 'done', label: '已冲正' },
];

function oinfnoLabel(oinfno: string): string {
  const name = REVERSIBLE_LABELS[oinfno];
  return name ? `${oinfno} ${name}` : oinfno;
}

export function ReversalsPanel() {
  const rows = useReversalsStore((s) => s.rows);
  const filter = useReversalsStore((s) => s.filter);
  const loaded = useReversalsStore((s) => s.loaded);
  const loading = useReversalsStore((s) => s.loading);
  const error = useReversalsStore((s) => s.error);
  const roles = useSessionStore((s) => s.operator?.roles);
  // every 'nhsa.changed' (a reversal queued, attempted, confirmed) reloads the list
  const revision = useNhsaStore((s) => s.revision);
  const pendingCount = useNhsaStore((s) => s.status?.pendingReversals ?? 0);

  useEffect(() => {
    void loadReversals();
  }, [revision]);

  return (
    <div className="panel">
      <div className="panel-toolbar">
        <h2>冲正队列</h2>
        <div className="segmented" role="group" aria-label="按状态筛选">
          {FILTERS.map((f) => (
            <button
              key={f.id}
              type="button"
              className={f.id === filter ? 'btn btn-small active' : 'btn btn-small'}
              aria-pressed={f.id === filter}
              onClick={() => void loadReversals(f.id)}
              data-testid={`reversals-filter-${f.id}`}
            >
              {f.label}
            </button>
          ))}
          <button type="button" className="btn btn-small" onClick={() => void loadReversals()} disabled={loading}>
            刷新
          </button>
        </div>
      </div>
      <p className="muted">
        药店结算（2102）或结算撤销（2103）发出后没有收到有效应答时，结果未知，系统会自动用冲正交易（2601）
        请医保中心撤销它，直到医保中心确认为止。
        {pendingCount > 0 ? (
          <strong className="text-warn">目前有 {pendingCount} 笔待冲正，系统正在自动重试。</strong>
        ) : null}
      </p>
      <CallErrorMessage failure={error} />
      <table className="table table-dense reversals-table" data-testid="reversals-table" aria-busy={loading}>
        <thead>
          <tr>
            <th className="col-state">状态</th>
            <th className="col-msgid">原报文ID</th>
            <th className="col-oinfno">原交易</th>
            <th className="col-reason">原因</th>
            <th className="col-attempts num">尝试</th>
            <th className="col-next">下次尝试</th>
            <th>最近错误</th>
            <th className="col-done">完成时间</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr
              key={r.omsgid}
              data-testid="reversal-row"
              data-state={r.state}
              data-omsgid={r.omsgid}
              className={r.state === 'pending' ? 'row-pending' : undefined}
            >
              <td>
                <span className={`badge reversal-${r.state}`}>{REVERSAL_STATE_LABELS[r.state]}</span>
              </td>
              <td className="mono small cell-wrap">{r.omsgid}</td>
              <td>{oinfnoLabel(r.oinfno)}</td>
              <td>{REVERSAL_REASON_LABELS[r.reason] ?? r.reason}</td>
              <td className="num">{r.attempts}</td>
              <td className="mono small">{r.state === 'pending' ? formatDateTime(r.nextAttemptAt) : '—'}</td>
              <td className={r.lastError ? 'cell-err' : 'muted'}>{r.lastError ?? '—'}</td>
              <td className="mono small">{formatDateTime(r.doneAt)}</td>
            </tr>
          ))}
          {loaded && rows.length === 0 ? (
            <tr>
              <td colSpan={8} className="muted">
                {filter === 'pending' ? '没有待冲正的交易' : '还没有冲正记录'}
              </td>
            </tr>
          ) : null}
        </tbody>
      </table>
      {canUse('nhsa.reverse', roles) ? <ManualReversal /> : null}
    </div>
  );
}

type ManualOutcome = { kind: 'row'; row: NhsaReversalRow } | { kind: 'failure'; failure: Failure } | null;

function ManualReversal() {
  const [msgid, setMsgid] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<ManualOutcome>(null);
  const [inputError, setInputError] = useState<string | null>(null);

  function ask(e: FormEvent) {
    e.preventDefault();
    const id = msgid.trim();
    if (!id) {
      setInputError('请输入原交易的报文ID');
      return;
    }
    if (id.length > 30) {
      setInputError('报文ID不超过 30 位');
      return;
    }
    setInputError(null);
    setOutcome(null);
    setConfirming(true);
  }

  async function run() {
    setBusy(true);
    try {
      const row = await reverseNow(msgid.trim());
      setOutcome({ kind: 'row', row });
      if (row.state === 'done') setMsgid('');
    } catch (e) {
      setOutcome({ kind: 'failure', failure: toFailure(e) });
    } finally {
      setBusy(false);
      setConfirming(false);
    }
  }

  return (
    <section className="subpanel" aria-labelledby="manual-reversal-title">
      <h3 id="manual-reversal-title">手工冲正</h3>
      <p className="muted small">
        只在确认某笔药店结算或结算撤销需要作废、而系统没有自动冲正时使用。报文ID可在“医保接口日志”中找到。
      </p>
      <form className="inline-form" onSubmit={ask} noValidate>
        <label className="inline-label" htmlFor="manual-reversal-msgid">
          原交易报文ID
        </label>
        <input
          id="manual-reversal-msgid"
          className="mono input-msgid"
          value={msgid}
          onChange={(e) => setMsgid(e.target.value)}
          placeholder="30 位报文ID"
          spellCheck={false}
          aria-invalid={Boolean(inputError)}
          aria-describedby={inputError ? 'manual-reversal-error' : undefined}
          data-testid="manual-reversal-msgid"
        />
        <button type="submit" className="btn btn-danger" disabled={busy} data-testid="manual-reversal-submit">
          {busy ? '正在冲正…' : '手工冲正…'}
        </button>
      </form>
      {inputError ? (
        <div id="manual-reversal-error" className="field-error" role="alert">
          {inputError}
        </div>
      ) : null}
      {outcome?.kind === 'failure' ? <CallErrorMessage failure={outcome.failure} /> : null}
      {outcome?.kind === 'row' ? <ReversalOutcome row={outcome.row} /> : null}
      {confirming ? (
        <Modal title="确认冲正" onClose={() => setConfirming(false)} testId="manual-reversal-confirm">
          <div className="confirm-body">
            <p>
              将向医保中心发送<strong>冲正交易（2601）</strong>，撤销报文ID为
            </p>
            <p className="mono confirm-msgid">{msgid.trim()}</p>
            <p>的原交易。冲正只适用于药店结算（2102）和药店结算撤销（2103）：</p>
            <ul>
              <li>冲正药店结算：这笔结算在医保中心作废，基金支付和个人账户支付退回参保人；</li>
              <li>冲正结算撤销：被撤销的结算恢复有效；</li>
              <li>如果原交易医保中心其实没有办理，冲正同样返回成功，不会多扣费用。</li>
            </ul>
            <p className="text-warn">冲正后无法恢复。已向顾客收取或退还的现金，请按冲正结果另行处理。</p>
          </div>
          <div className="modal-actions">
            <button
              type="button"
              className="btn btn-danger"
              disabled={busy}
              onClick={() => void run()}
              data-testid="manual-reversal-run"
            >
              {busy ? '正在冲正…' : '确认冲正'}
            </button>
            <button type="button" className="btn" onClick={() => setConfirming(false)} data-autofocus>
              取消（Esc）
            </button>
          </div>
        </Modal>
      ) : null}
    </section>
  );
}

function ReversalOutcome({ row }: { row: NhsaReversalRow }) {
  if (row.state === 'done') {
    return (
      <div className="success-message" role="status" data-testid="manual-reversal-outcome" data-state="done">
        冲正成功：医保中心已确认撤销 {oinfnoLabel(row.oinfno)}（报文ID <span className="mono">{row.omsgid}</span>）。
      </div>
    );
  }
  return (
    <div
      className="nhsa-error nhsa-error-unknown"
      role="alert"
      data-testid="manual-reversal-outcome"
      data-state="pending"
    >
      <div className="nhsa-error-title">冲正尚未确认</div>
      <div className="nhsa-error-message">{row.lastError ?? '医保中心没有确认冲正'}</div>
      <div className="nhsa-error-hint">
        这笔交易已在冲正队列中，系统会在 {formatDateTime(row.nextAttemptAt)} 自动重试，直到医保中心确认。
      </div>
    </div>
  );
}
