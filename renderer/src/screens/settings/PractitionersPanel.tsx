import { useEffect, type FormEvent } from 'react';
import { CallErrorMessage } from '../../components/CallError';
import { formatDateTime } from '../../format';
import {
  PRACTITIONER_TYPES,
  loadPractitioners,
  setPractitionerQuery,
  usePractitionersStore,
  type PractitionerType,
} from '../../stores/practitioners';

export function PractitionersPanel() {
  const query = usePractitionersStore((s) => s.query);
  const rows = usePractitionersStore((s) => s.rows);
  const loaded = usePractitionersStore((s) => s.loaded);
  const loading = usePractitionersStore((s) => s.loading);
  const error = usePractitionersStore((s) => s.error);
  const fetchedAt = usePractitionersStore((s) => s.fetchedAt);
  const typeLabel = PRACTITIONER_TYPES[query.type];

  useEffect(() => {
    if (!usePractitionersStore.getState().loaded) void loadPractitioners();
  }, []);

  function search(e: FormEvent) {
    e.preventDefault();
    void loadPractitioners();
  }

  return (
    <div className="panel">
      <div className="panel-toolbar">
        <h2>医保药师查询</h2>
      </div>
      <p className="muted">从医保中心查询在本机构备案的执业人员（交易 5102）。收银时的当班药师将从这里的名单中选择。</p>
      <form className="filter-bar" onSubmit={search} aria-label="查询执业人员">
        <label>
          人员类别
          <select
            value={query.type}
            onChange={(e) => setPractitionerQuery({ type: e.target.value as PractitionerType })}
            data-testid="practitioners-type"
          >
            {(Object.keys(PRACTITIONER_TYPES) as PractitionerType[]).map((t) => (
              <option key={t} value={t}>
                {PRACTITIONER_TYPES[t]}
              </option>
            ))}
          </select>
        </label>
        <label>
          姓名
          <input
            type="search"
            className="input-name"
            placeholder="可只填一部分"
            value={query.name}
            onChange={(e) => setPractitionerQuery({ name: e.target.value })}
            data-testid="practitioners-name"
          />
        </label>
        <label>
          人员代码
          <input
            type="search"
            className="input-code mono"
            value={query.code}
            onChange={(e) => setPractitionerQuery({ code: e.target.value })}
            data-testid="practitioners-code"
            spellCheck={false}
          />
        </label>
        <div className="filter-actions">
          <button type="submit" className="btn btn-primary" disabled={loading} data-testid="practitioners-search">
            {loading ? '正在查询…' : '查询'}
          </button>
        </div>
      </form>
      <CallErrorMessage failure={error} />
      {error && rows.length > 0 ? (
        <p className="text-warn" data-testid="practitioners-stale">
          以下是 {formatDateTime(fetchedAt)} 查询到的名单，本次查询没有得到医保中心的新结果。
        </p>
      ) : null}
      <table className="table" data-testid="practitioners-table" aria-busy={loading}>
        <thead>
          <tr>
            <th>人员代码</th>
            <th>姓名</th>
            <th>类别</th>
            <th>执业证书编号</th>
            <th>备案开始</th>
            <th>备案结束</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.prac_psn_code} data-testid="practitioner-row" data-code={r.prac_psn_code}>
              <td className="mono">{r.prac_psn_code}</td>
              <td>{r.prac_psn_name}</td>
              <td>{PRACTITIONER_TYPES[r.prac_psn_type as PractitionerType] ?? r.prac_psn_type}</td>
              <td className="mono">{r.prac_cert_no ?? '—'}</td>
              <td className="mono small">{r.begntime?.slice(0, 10) ?? '—'}</td>
              <td className="mono small">{r.endtime?.slice(0, 10) ?? '—'}</td>
            </tr>
          ))}
          {loaded && rows.length === 0 ? (
            <tr>
              <td colSpan={6} className="muted">
                医保中心没有符合条件的{typeLabel}
              </td>
            </tr>
          ) : null}
        </tbody>
      </table>
    </div>
  );
}
