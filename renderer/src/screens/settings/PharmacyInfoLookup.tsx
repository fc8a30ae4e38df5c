import { useState } from 'react';
import type { PharmacyInfoRow } from '../../../../app/shared/contract';
import { call, toFailure, type Failure } from '../../api/pos';
import { CallErrorMessage } from '../../components/CallError';
import { setDraft, useSettingsStore } from '../../stores/settings';
import { showToast } from '../../stores/toast';

const CODE_KEY = 'pharmacy.fixmedins_code';
const NAME_KEY = 'pharmacy.fixmedins_name';

/** What the form shows for a text setting: the unsaved edit if there is one, else the saved value. */
function formValue(key: typeof CODE_KEY | typeof NAME_KEY): string {
  const { draft, view } = useSettingsStore.getState();
  const value = key in draft ? draft[key] : view?.values[key];
  return typeof value === 'string' ? value.trim() : '';
}

/**
 * 1201 with the code typed in the form: the center says how it has this pharmacy registered, and
 * the admin can take the name over. Nothing is saved until 保存.
 */
export function PharmacyInfoLookup() {
  const nameOverride = useSettingsStore((s) => s.view?.overrides[NAME_KEY]);
  const draftName = useSettingsStore((s) => s.draft[NAME_KEY]);
  const [rows, setRows] = useState<PharmacyInfoRow[] | null>(null);
  const [queriedCode, setQueriedCode] = useState('');
  const [failure, setFailure] = useState<Failure | null>(null);
  const [busy, setBusy] = useState(false);

  async function fetchInfo() {
    const code = formValue(CODE_KEY);
    setBusy(true);
    setFailure(null);
    try {
      setRows(await call('nhsa.pharmacyInfo', code ? { fixmedins_code: code } : {}));
      setQueriedCode(code);
    } catch (e) {
      setRows(null);
      setFailure(toFailure(e));
    } finally {
      setBusy(false);
    }
  }

  function apply(row: PharmacyInfoRow) {
    setDraft(NAME_KEY, row.fixmedins_name);
    showToast('info', '已填入机构名称，按“保存”后生效');
    document.getElementById(`setting-${NAME_KEY}`)?.focus();
  }

  return (
    <div className="lookup" data-testid="pharmacy-info">
      <div className="lookup-bar">
        <button
          type="button"
          className="btn"
          disabled={busy}
          onClick={() => void fetchInfo()}
          data-testid="pharmacy-info-fetch"
        >
          {busy ? '正在查询医保中心…' : '从医保中心获取机构信息'}
        </button>
        <span className="muted small">按上面填写的机构编号查询（交易 1201）；未填写编号时列出医保中心的全部药店。</span>
      </div>
      <CallErrorMessage failure={failure} />
      {rows ? (
        rows.length === 0 ? (
          <p className="muted" data-testid="pharmacy-info-empty">
            医保中心没有编号为 {queriedCode || '（未填写）'} 的定点药店，请核对机构编号。
          </p>
        ) : (
          <table className="table table-dense lookup-table" data-testid="pharmacy-info-table">
            <thead>
              <tr>
                <th>机构编号</th>
                <th>机构名称</th>
                <th>统一社会信用代码</th>
                <th aria-label="操作" />
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => {
                const applied = draftName === r.fixmedins_name;
                return (
                  <tr key={r.fixmedins_code} data-testid="pharmacy-info-row" data-code={r.fixmedins_code}>
                    <td className="mono">{r.fixmedins_code}</td>
                    <td>{r.fixmedins_name}</td>
                    <td className="mono small">{r.uscc ?? '—'}</td>
                    <td className="row-actions">
                      <button
                        type="button"
                        className="btn btn-small"
                        disabled={Boolean(nameOverride) || applied}
                        title={nameOverride ? `机构名称由环境变量 ${nameOverride} 决定` : undefined}
                        onClick={() => apply(r)}
                        data-testid="pharmacy-info-apply"
                      >
                        {applied ? '已填入' : '填入名称'}
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )
      ) : null}
    </div>
  );
}
