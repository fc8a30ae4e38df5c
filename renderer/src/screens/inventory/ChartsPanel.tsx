import { useEffect, useState } from 'react';
import type { StockCharts } from '../../../../app/shared/inventory';
import { call, toFailure, type Failure } from '../../api/pos';
import { CallErrorMessage } from '../../components/CallError';
import { formatFen } from '../../format';

interface Bar {
  label: string;
  valueFen: number;
  batches: number;
  tone?: 'danger' | 'warn' | 'normal';
}

function toneOfHorizon(label: string): Bar['tone'] {
  if (label.includes('过期') || label.startsWith('≤1')) return 'danger';
  if (label.startsWith('1–3') || label.startsWith('1-3')) return 'warn';
  return 'normal';
}

/** Horizontal bars drawn with plain boxes: the longest bar is the largest value. */
function BarChart({ title, bars, testId }: { title: string; bars: Bar[]; testId: string }) {
  const max = Math.max(1, ...bars.map((b) => b.valueFen));
  const total = bars.reduce((s, b) => s + b.valueFen, 0);
  return (
    <figure className="bar-chart" data-testid={testId}>
      <figcaption>
        <strong>{title}</strong> <span className="muted">合计 {formatFen(total)}</span>
      </figcaption>
      {bars.length === 0 ? <p className="muted">没有库存</p> : null}
      <div className="bars" role="list">
        {bars.map((b) => {
          const pct = (b.valueFen / max) * 100;
          const share = total > 0 ? Math.round((b.valueFen / total) * 1000) / 10 : 0;
          return (
            <div
              key={b.label}
              className="bar-row"
              role="listitem"
              aria-label={`${b.label}：${formatFen(b.valueFen)}，${b.batches} 批`}
            >
              <span className="bar-label cell-ellipsis" title={b.label}>
                {b.label}
              </span>
              <span className="bar-track" aria-hidden="true">
                <span
                  className={`bar-fill bar-${b.tone ?? 'normal'}`}
                  style={{ width: `${Math.max(pct, b.valueFen > 0 ? 0.8 : 0)}%` }}
                />
              </span>
              <span className="bar-value num">
                {formatFen(b.valueFen)}
                <span className="muted small">
                  {' '}
                  {share}% · {b.batches} 批
                </span>
              </span>
            </div>
          );
        })}
      </div>
    </figure>
  );
}

export function ChartsPanel() {
  const [charts, setCharts] = useState<StockCharts | null>(null);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [loading, setLoading] = useState(true);
  const [revision, setRevision] = useState(0);

  useEffect(() => {
    let live = true;
    call('stock.charts', {})
      .then((c) => {
        if (!live) return;
        setCharts(c);
        setFailure(null);
        setLoading(false);
      })
      .catch((e: unknown) => {
        if (!live) return;
        setFailure(toFailure(e));
        setLoading(false);
      });
    return () => {
      live = false;
    };
  }, [revision]);

  return (
    <div className="panel">
      <div className="panel-toolbar">
        <h2>库存图表</h2>
        <button
          type="button"
          className="btn"
          disabled={loading}
          onClick={() => {
            setLoading(true);
            setRevision((r) => r + 1);
          }}
        >
          刷新
        </button>
      </div>
      <CallErrorMessage failure={failure} />
      {charts ? (
        <>
          <p className="charts-total" data-testid="charts-total">
            库存总金额（按进价）：<strong>{formatFen(charts.totalValueFen)}</strong>
            <span className="muted small"> 没有进价的批次按 0 计</span>
          </p>
          <div className="charts-grid">
            <BarChart
              title="按分类"
              testId="chart-category"
              bars={charts.valueByCategory.map((c) => ({
                label: c.category || '未分类',
                valueFen: c.valueFen,
                batches: c.batches,
              }))}
            />
            <BarChart
              title="按剩余效期"
              testId="chart-expiry"
              bars={charts.expiryHorizon.map((h) => ({ ...h, tone: toneOfHorizon(h.label) }))}
            />
          </div>
        </>
      ) : loading ? (
        <p className="muted">正在统计…</p>
      ) : null}
    </div>
  );
}
