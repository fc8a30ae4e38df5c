import { useRef, useState } from 'react';
import type { ImportReport } from '../../../../app/shared/contract';
import { toFailure, type Failure } from '../../api/pos';
import { CallErrorMessage } from '../../components/CallError';
import { ErrorMessage } from '../../components/Field';
import { Modal } from '../../components/Modal';
import { formatBytes } from '../../format';
import { importProducts } from '../../stores/products';
import { showToast } from '../../stores/toast';

const MAX_BYTES = 10 * 1024 * 1024;
const SHOWN_PROBLEMS = 500;

/** The file's bytes as base64, read in the renderer (the service never sees a path). */
function readAsBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => {
      const url = String(reader.result ?? '');
      const comma = url.indexOf(',');
      resolve(comma >= 0 ? url.slice(comma + 1) : '');
    };
    reader.onerror = () => reject(reader.error ?? new Error('读取文件失败'));
    reader.readAsDataURL(file);
  });
}

type Step =
  | { kind: 'choose' }
  | { kind: 'checking' }
  | { kind: 'checked'; report: ImportReport }
  | { kind: 'importing'; report: ImportReport }
  | { kind: 'done'; report: ImportReport };

/**
 * 导入 from a spreadsheet in two steps: a dry run that reports every problem by row and field and
 * changes nothing, then the import itself.
 */
export function ImportDialog({ onClose }: { onClose: () => void }) {
  const [file, setFile] = useState<{ name: string; size: number; base64: string } | null>(null);
  const [step, setStep] = useState<Step>({ kind: 'choose' });
  const [failure, setFailure] = useState<Failure | null>(null);
  const [localError, setLocalError] = useState<string | null>(null);
  const inputRef = useRef<HTMLInputElement>(null);

  async function choose(f: File | undefined) {
    setFailure(null);
    setLocalError(null);
    setFile(null);
    setStep({ kind: 'choose' });
    if (!f) return;
    if (!/\.(xlsx|csv)$/i.test(f.name)) return setLocalError('只支持 .xlsx 或 .csv 文件');
    if (f.size === 0) return setLocalError('文件是空的');
    if (f.size > MAX_BYTES) return setLocalError(`文件不能超过 10 MB（这个文件 ${formatBytes(f.size)}）`);
    setStep({ kind: 'checking' });
    let base64: string;
    try {
      base64 = await readAsBase64(f);
    } catch {
      setStep({ kind: 'choose' });
      return setLocalError('读取文件失败，请确认文件没有被其他程序占用');
    }
    setFile({ name: f.name, size: f.size, base64 });
    try {
      const report = await importProducts(f.name, base64, true);
      setStep({ kind: 'checked', report });
    } catch (e) {
      setStep({ kind: 'choose' });
      setFailure(toFailure(e));
    }
  }

  async function runImport() {
    if (!file || step.kind !== 'checked') return;
    setFailure(null);
    setStep({ kind: 'importing', report: step.report });
    try {
      const report = await importProducts(file.name, file.base64, false);
      setStep({ kind: 'done', report });
      if (!report.fatal) showToast('ok', `已导入：新增 ${report.created}，更新 ${report.updated}`);
    } catch (e) {
      setStep({ kind: 'checked', report: step.report });
      setFailure(toFailure(e));
    }
  }

  const report = step.kind === 'checked' || step.kind === 'importing' || step.kind === 'done' ? step.report : null;
  const usable = report !== null && !report.fatal && report.created + report.updated > 0;

  return (
    <Modal title="导入商品" onClose={onClose} wide testId="import-dialog">
      <p className="muted">
        选择 Excel（.xlsx）或 CSV 文件，第一行为列名。先检查文件并列出每一行的问题，确认后才真正导入；
        编码已存在的商品会被更新。
      </p>
      <details className="import-columns">
        <summary>文件需要哪些列？</summary>
        <p className="small">
          必须有：<strong>商品编码、通用名、单位、零售价、处方分类</strong>（处方药 / 甲类非处方药 / 乙类非处方药 /
          非药品）。
        </p>
        <p className="small">
          可以有：商品名、规格、剂型、生产企业、批准文号、拆零单位、拆零系数、会员价、拆零价、含麻黄碱、冷链、储存条件、分类、条码（多个条码用逗号隔开，或分成“条码1”“条码2”…多列）、国家医保编码、状态。价格以元为单位。常见的其他写法（如“生产厂家”“售价”“条形码”）也能识别。
        </p>
      </details>
      <div className="inline-form import-choose">
        <input
          ref={inputRef}
          type="file"
          accept=".xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv"
          className="visually-hidden"
          onChange={(e) => void choose(e.target.files?.[0])}
          data-testid="import-file"
          tabIndex={-1}
        />
        <button
          type="button"
          className="btn btn-primary"
          onClick={() => {
            if (inputRef.current) inputRef.current.value = '';
            inputRef.current?.click();
          }}
          disabled={step.kind === 'checking' || step.kind === 'importing'}
          data-autofocus
          data-testid="import-choose"
        >
          选择文件…
        </button>
        {file ? (
          <span data-testid="import-file-name">
            {file.name} <span className="muted">（{formatBytes(file.size)}）</span>
          </span>
        ) : (
          <span className="muted">尚未选择文件</span>
        )}
      </div>
      <ErrorMessage text={localError} />
      <CallErrorMessage failure={failure} />
      {step.kind === 'checking' ? <p className="muted">正在检查文件…</p> : null}
      {report ? <ImportReportView report={report} final={step.kind === 'done'} /> : null}
      <div className="modal-actions">
        {step.kind === 'done' ? (
          <button type="button" className="btn btn-primary" onClick={onClose} data-testid="import-close">
            完成
          </button>
        ) : (
          <>
            <button
              type="button"
              className="btn btn-primary"
              disabled={!usable || step.kind !== 'checked'}
              onClick={() => void runImport()}
              data-testid="import-run"
            >
              {step.kind === 'importing'
                ? '正在导入…'
                : report && usable
                  ? `确认导入 ${report.created + report.updated} 行`
                  : '确认导入'}
            </button>
            <button type="button" className="btn" onClick={onClose}>
              取消（Esc）
            </button>
          </>
        )}
      </div>
    </Modal>
  );
}

function ImportReportView({ report, final }: { report: ImportReport; final: boolean }) {
  const shown = report.problems.slice(0, SHOWN_PROBLEMS);
  return (
    <section className="import-report" data-testid="import-report" data-final={final} aria-live="polite">
      <h3 className="details-heading">{final ? '导入结果' : '检查结果（尚未导入）'}</h3>
      {report.fatal ? (
        <div className="error-message" role="alert" data-testid="import-fatal">
          文件不能导入，没有导入任何商品：{report.fatal}
        </div>
      ) : (
        <p className="import-summary" data-testid="import-summary">
          共 <strong>{report.total}</strong> 行：{final ? '新增' : '将新增'} <strong>{report.created}</strong>，
          {final ? '更新' : '将更新'} <strong>{report.updated}</strong>，{final ? '跳过' : '将跳过'}{' '}
          <strong className={report.skipped > 0 ? 'text-warn' : undefined}>{report.skipped}</strong>
          {report.problems.length > 0 ? `，${report.problems.length} 个问题` : '，没有问题'}。
        </p>
      )}
      {shown.length > 0 ? (
        <div className="problem-scroll">
          <table className="table table-dense problem-table" data-testid="import-problems">
            <thead>
              <tr>
                <th className="col-row num">行</th>
                <th className="col-field">字段</th>
                <th>问题</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((p, i) => (
                <tr key={i} data-testid="import-problem">
                  <td className="num mono">{p.row}</td>
                  <td>{p.field || '—'}</td>
                  <td className="cell-err">{p.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {report.problems.length > shown.length ? (
            <p className="muted small">
              只列出前 {SHOWN_PROBLEMS} 个问题，共 {report.problems.length} 个。
            </p>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}
