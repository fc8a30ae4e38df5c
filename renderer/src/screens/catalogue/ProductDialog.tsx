import { useState, type FormEvent, type KeyboardEvent } from 'react';
import type { ChannelInput, ProductDetail, RxClass, SpecialFlag } from '../../../../app/shared/contract';
import { PosError, toFailure, type Failure } from '../../api/pos';
import { CallErrorMessage } from '../../components/CallError';
import { Field } from '../../components/Field';
import { Modal } from '../../components/Modal';
import { TagInput } from '../../components/TagInput';
import { fenToYuanText, parseYuanToFen } from '../../format';
import { saveProduct } from '../../stores/products';
import { showToast } from '../../stores/toast';
import { FLAG_LABELS, RX_CLASSES, RX_LABELS, SPECIAL_FLAGS } from './labels';

const BARCODE_RE = /^[0-9A-Za-z-]{4,40}$/;
const MAX_BARCODES = 20;

const UNITS = ['盒', '瓶', '支', '袋', '板', '片', '粒', '包', '贴', '丸', '克', '只', '个', '套', '罐', '袋'];
const DOSAGE_FORMS = [
  '片剂',
  '胶囊剂',
  '颗粒剂',
  '丸剂',
  '散剂',
  '口服液',
  '糖浆剂',
  '注射剂',
  '软膏剂',
  '乳膏剂',
  '滴眼剂',
  '喷雾剂',
  '贴剂',
  '栓剂',
  '酊剂',
];
const STORAGE = ['常温', '阴凉（不超过 20°C）', '冷藏（2–8°C）', '密封', '遮光，密封', '冷冻'];

interface FormState {
  code: string;
  genericName: string;
  tradeName: string;
  spec: string;
  dosageForm: string;
  manufacturer: string;
  aprvno: string;
  unit: string;
  splitUnit: string;
  splitFactor: string;
  retailPrice: string;
  memberPrice: string;
  splitPrice: string;
  rxClass: RxClass;
  specialFlags: SpecialFlag[];
  storage: string;
  category: string;
  barcodes: string[];
  active: boolean;
}

type FieldName = keyof FormState;
type Errors = Partial<Record<FieldName, string>>;

function fromProduct(p: ProductDetail | undefined): FormState {
  return {
    code: p?.code ?? '',
    genericName: p?.genericName ?? '',
    tradeName: p?.tradeName ?? '',
    spec: p?.spec ?? '',
    dosageForm: p?.dosageForm ?? '',
    manufacturer: p?.manufacturer ?? '',
    aprvno: p?.aprvno ?? '',
    unit: p?.unit ?? '盒',
    splitUnit: p?.splitUnit ?? '',
    splitFactor: p?.splitFactor ? String(p.splitFactor) : '',
    retailPrice: p ? fenToYuanText(p.retailPriceFen) : '',
    memberPrice: fenToYuanText(p?.memberPriceFen),
    splitPrice: fenToYuanText(p?.splitPriceFen),
    rxClass: p?.rxClass ?? 'otc_b',
    specialFlags: p?.specialFlags ?? [],
    storage: p?.storage ?? '',
    category: p?.category ?? '',
    barcodes: p?.barcodes ?? [],
    active: p?.active ?? true,
  };
}

/** The service names fields as the contract does; the form's price fields are in yuan. */
const SERVER_FIELD: Record<string, FieldName> = {
  retailPriceFen: 'retailPrice',
  memberPriceFen: 'memberPrice',
  splitPriceFen: 'splitPrice',
};

function serverErrors(e: unknown): Errors {
  const out: Errors = {};
  if (!(e instanceof PosError)) return out;
  for (const f of e.fields) {
    const head = f.path.split('.')[0] ?? '';
    const name = SERVER_FIELD[head] ?? (head as FieldName);
    if (name in fromProduct(undefined)) out[name] ??= f.message;
  }
  return out;
}

const nullable = (s: string) => (s.trim() === '' ? null : s.trim());

function validateBarcode(code: string, existing: readonly string[]): string | null {
  if (!BARCODE_RE.test(code)) return '条码应为 4–40 位数字、字母或短横线';
  if (existing.includes(code)) return '已在列表中';
  return null;
}

/**
 * 新增 / 编辑 one product, every field of the master. Prices are typed in yuan and become fen by
 * reading the decimal text, never through floating point.
 */
export function ProductDialog({
  product,
  onClose,
  onSaved,
}: {
  product?: ProductDetail;
  onClose: () => void;
  onSaved?: (p: ProductDetail) => void;
}) {
  const editing = Boolean(product);
  const [form, setForm] = useState<FormState>(() => fromProduct(product));
  const [barcodeDraft, setBarcodeDraft] = useState('');
  const [errors, setErrors] = useState<Errors>({});
  const [failure, setFailure] = useState<Failure | null>(null);
  const [busy, setBusy] = useState(false);

  const update = <K extends FieldName>(key: K, value: FormState[K]) => {
    setForm((f) => ({ ...f, [key]: value }));
    // a problem shown next to a field goes away once the field is changed
    setErrors((e) => (e[key] ? { ...e, [key]: undefined } : e));
  };

  function normalizePrice(key: 'retailPrice' | 'memberPrice' | 'splitPrice') {
    const r = parseYuanToFen(form[key]);
    if (r.ok && r.fen !== null) update(key, fenToYuanText(r.fen));
  }

  function build(): { input: ChannelInput<'products.save'> } | { errors: Errors } {
    const e: Errors = {};
    if (!form.code.trim()) e.code = '请填写商品编码';
    if (!form.genericName.trim()) e.genericName = '请填写通用名';
    if (!form.unit.trim()) e.unit = '请填写单位';
    const retail = parseYuanToFen(form.retailPrice);
    if (!retail.ok) e.retailPrice = retail.message;
    else if (retail.fen === null) e.retailPrice = '请填写零售价';
    const member = parseYuanToFen(form.memberPrice);
    if (!member.ok) e.memberPrice = member.message;
    const split = parseYuanToFen(form.splitPrice);
    if (!split.ok) e.splitPrice = split.message;
    let splitFactor: number | null = null;
    if (form.splitFactor.trim()) {
      if (!/^\d+$/.test(form.splitFactor.trim())) e.splitFactor = '拆零系数应为整数';
      else {
        splitFactor = Number(form.splitFactor.trim());
        if (splitFactor < 2 || splitFactor > 10000) e.splitFactor = '拆零系数应在 2 到 10000 之间';
      }
    }
    if (splitFactor !== null && !form.splitUnit.trim()) e.splitUnit = '填写了拆零系数，请同时填写拆零单位';
    if (form.splitUnit.trim() && splitFactor === null && !e.splitFactor)
      e.splitFactor = '请填写 1 个包装单位含多少拆零单位';
    if (split.ok && split.fen !== null && !form.splitUnit.trim()) e.splitPrice = '没有拆零单位，不能填写拆零价';
    if (form.splitUnit.trim() && form.splitUnit.trim() === form.unit.trim()) e.splitUnit = '拆零单位不能与单位相同';
    if (retail.ok && member.ok && retail.fen !== null && member.fen !== null && member.fen > retail.fen) {
      e.memberPrice = '会员价不能高于零售价';
    }
    let barcodes = form.barcodes;
    const draft = barcodeDraft.trim();
    if (draft) {
      const problem = validateBarcode(draft, barcodes);
      if (problem) e.barcodes = `${draft}：${problem}`;
      else barcodes = [...barcodes, draft];
    }
    if (barcodes.length > MAX_BARCODES) e.barcodes = `最多 ${MAX_BARCODES} 个条码`;
    if (Object.keys(e).length > 0) return { errors: e };
    const input: ChannelInput<'products.save'> = {
      code: form.code.trim(),
      genericName: form.genericName.trim(),
      tradeName: nullable(form.tradeName),
      spec: nullable(form.spec),
      dosageForm: nullable(form.dosageForm),
      manufacturer: nullable(form.manufacturer),
      aprvno: nullable(form.aprvno),
      unit: form.unit.trim(),
      splitUnit: nullable(form.splitUnit),
      splitFactor,
      retailPriceFen: retail.ok && retail.fen !== null ? retail.fen : 0,
      memberPriceFen: member.ok ? member.fen : null,
      splitPriceFen: split.ok ? split.fen : null,
      rxClass: form.rxClass,
      specialFlags: form.specialFlags,
      storage: nullable(form.storage),
      category: nullable(form.category),
      barcodes,
      active: form.active,
    };
    if (product) input.id = product.id;
    return { input };
  }

  async function submit(e?: FormEvent) {
    e?.preventDefault();
    if (busy) return;
    const built = build();
    setFailure(null);
    if ('errors' in built) {
      setErrors(built.errors);
      focusFirstError(built.errors);
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      const saved = await saveProduct(built.input);
      setBarcodeDraft('');
      showToast('ok', `已保存 ${saved.genericName}`);
      onSaved?.(saved);
      onClose();
    } catch (err) {
      setBusy(false);
      const fieldErrors = serverErrors(err);
      setErrors(fieldErrors);
      setFailure(toFailure(err));
      focusFirstError(fieldErrors);
    }
  }

  function focusFirstError(e: Errors) {
    const first = (Object.keys(fromProduct(undefined)) as FieldName[]).find((k) => e[k]);
    if (!first) return;
    requestAnimationFrame(() => document.querySelector<HTMLElement>(`[data-field="${first}"]`)?.focus());
  }

  function onFormKey(e: KeyboardEvent<HTMLFormElement>) {
    if ((e.ctrlKey || e.metaKey) && (e.key === 's' || e.key === 'Enter')) {
      e.preventDefault();
      void submit();
    }
  }

  const text = (
    key: FieldName,
    label: string,
    opts: {
      list?: string;
      mono?: boolean;
      help?: string;
      autofocus?: boolean;
      inputMode?: 'decimal' | 'numeric';
      onBlur?: () => void;
      maxLength?: number;
    } = {},
  ) => (
    <Field label={label} error={errors[key]} help={opts.help}>
      {(f) => (
        <input
          id={f.id}
          aria-describedby={f.describedBy}
          aria-invalid={f.invalid || undefined}
          className={opts.mono ? 'mono' : undefined}
          list={opts.list}
          inputMode={opts.inputMode}
          maxLength={opts.maxLength ?? 200}
          autoComplete="off"
          spellCheck={false}
          data-autofocus={opts.autofocus || undefined}
          value={form[key] as string}
          onChange={(e) => update(key, e.target.value as never)}
          onBlur={opts.onBlur}
          data-field={key}
          data-testid={`product-${key}`}
        />
      )}
    </Field>
  );

  return (
    <Modal
      title={editing ? `编辑商品：${product?.genericName}` : '新增商品'}
      onClose={onClose}
      wide
      testId="product-dialog"
    >
      <form className="product-form" onSubmit={(e) => void submit(e)} onKeyDown={onFormKey} noValidate>
        <fieldset className="form-section">
          <legend>基本信息</legend>
          <div className="form-grid">
            {text('code', '商品编码', {
              mono: true,
              autofocus: !editing,
              maxLength: 50,
              help: '本店自己的编码（医药机构目录编码）',
            })}
            {text('genericName', '通用名', { autofocus: editing })}
            {text('tradeName', '商品名')}
            {text('spec', '规格', { help: '如 0.25g*24粒' })}
            {text('dosageForm', '剂型', { list: 'product-dosage-forms', maxLength: 100 })}
            {text('manufacturer', '生产企业')}
            {text('aprvno', '批准文号', { mono: true, maxLength: 100, help: '如 国药准字H12345678' })}
            {text('category', '分类', { maxLength: 100 })}
          </div>
        </fieldset>
        <fieldset className="form-section">
          <legend>单位与价格</legend>
          <div className="form-grid">
            {text('unit', '单位', { list: 'product-units', maxLength: 20 })}
            {text('retailPrice', '零售价（元）', {
              inputMode: 'decimal',
              onBlur: () => normalizePrice('retailPrice'),
              maxLength: 20,
            })}
            {text('memberPrice', '会员价（元）', {
              inputMode: 'decimal',
              onBlur: () => normalizePrice('memberPrice'),
              maxLength: 20,
              help: '不填表示没有会员价',
            })}
            {text('splitUnit', '拆零单位', { list: 'product-units', maxLength: 20, help: '可拆零销售时填写，如 粒' })}
            {text('splitFactor', '拆零系数', { inputMode: 'numeric', maxLength: 6, help: '1 个单位含多少拆零单位' })}
            {text('splitPrice', '拆零价（元）', {
              inputMode: 'decimal',
              onBlur: () => normalizePrice('splitPrice'),
              maxLength: 20,
            })}
          </div>
        </fieldset>
        <fieldset className="form-section">
          <legend>属性与条码</legend>
          <div className="form-grid">
            <Field label="处方分类" error={errors.rxClass}>
              {(f) => (
                <select
                  id={f.id}
                  value={form.rxClass}
                  onChange={(e) => update('rxClass', e.target.value as RxClass)}
                  data-field="rxClass"
                  data-testid="product-rxClass"
                >
                  {RX_CLASSES.map((r) => (
                    <option key={r} value={r}>
                      {RX_LABELS[r]}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            {text('storage', '储存条件', { list: 'product-storage', maxLength: 100 })}
            <div className="field">
              <span className="field-label">状态</span>
              <label className="checkbox">
                <input
                  type="checkbox"
                  checked={form.active}
                  onChange={(e) => update('active', e.target.checked)}
                  data-testid="product-active"
                />
                启用（停用的商品不能销售）
              </label>
            </div>
          </div>
          <fieldset className="flag-set">
            <legend>特殊标识</legend>
            {SPECIAL_FLAGS.map((flag) => (
              <label key={flag} className="checkbox" title={FLAG_LABELS[flag].full}>
                <input
                  type="checkbox"
                  checked={form.specialFlags.includes(flag)}
                  onChange={(e) =>
                    update(
                      'specialFlags',
                      e.target.checked
                        ? SPECIAL_FLAGS.filter((x) => x === flag || form.specialFlags.includes(x))
                        : form.specialFlags.filter((x) => x !== flag),
                    )
                  }
                  data-testid={`product-flag-${flag}`}
                />
                {FLAG_LABELS[flag].full}
              </label>
            ))}
          </fieldset>
          <Field
            label="条码"
            error={errors.barcodes}
            help="扫码或输入后按 Enter 添加，可添加多个；在空白处按退格键取回最后一个。"
          >
            {(f) => (
              <TagInput
                id={f.id}
                tags={form.barcodes}
                onChange={(tags) => update('barcodes', tags)}
                draft={barcodeDraft}
                onDraftChange={setBarcodeDraft}
                validate={validateBarcode}
                onProblem={(m) => setErrors((e) => ({ ...e, barcodes: m ?? undefined }))}
                max={MAX_BARCODES}
                describedBy={f.describedBy}
                invalid={f.invalid}
                placeholder="扫描或输入条码"
                testId="product-barcodes"
              />
            )}
          </Field>
        </fieldset>
        <datalist id="product-units">
          {[...new Set(UNITS)].map((u) => (
            <option key={u} value={u} />
          ))}
        </datalist>
        <datalist id="product-dosage-forms">
          {DOSAGE_FORMS.map((u) => (
            <option key={u} value={u} />
          ))}
        </datalist>
        <datalist id="product-storage">
          {STORAGE.map((u) => (
            <option key={u} value={u} />
          ))}
        </datalist>
        <CallErrorMessage failure={failure} />
        <div className="modal-actions sticky-modal-actions">
          <button type="submit" className="btn btn-primary" disabled={busy} data-testid="product-submit">
            {busy ? '正在保存…' : editing ? '保存（Ctrl+S）' : '新增（Ctrl+S）'}
          </button>
          <button type="button" className="btn" onClick={onClose}>
            取消（Esc）
          </button>
        </div>
      </form>
    </Modal>
  );
}
