import type { InsuranceFacts, MappingState, RxClass, SpecialFlag } from '../../../app/shared/contract';
import { formatFen } from '../format';
import { FLAG_LABELS, MAPPING_STATE_HINTS, MAPPING_STATE_LABELS, RX_LABELS } from '../screens/catalogue/labels';

type Level = NonNullable<InsuranceFacts['chrgitmLv']>;

const LEVEL_CLASS: Record<Level, string> = { 甲: 'ins-a', 乙: 'ins-b', 丙: 'ins-c' };
const LEVEL_HINTS: Record<Level, string> = {
  甲: '医保甲类：按规定全部纳入医保支付范围',
  乙: '医保乙类：先由个人自付一定比例，其余纳入医保支付范围',
  丙: '丙类：医保不支付，全部自费',
};

/** 甲 / 乙 / 丙 as one square, bold badge: the first thing a cashier looks for. */
export function InsuranceClassBadge({ level }: { level: InsuranceFacts['chrgitmLv'] }) {
  if (!level) return null;
  return (
    <span
      className={`ins-badge ${LEVEL_CLASS[level]}`}
      title={LEVEL_HINTS[level]}
      data-testid="insurance-class"
      data-class={level}
    >
      {level}
    </span>
  );
}

/** The insurance facts of one product: class, price ceiling, and whether the center lists it for us. */
export function InsuranceBadges({
  facts,
  compact,
  showClass = true,
  dashWhenNone = false,
}: {
  facts: InsuranceFacts;
  compact?: boolean;
  /** false where the class is shown on its own already (the search list's first column) */
  showClass?: boolean;
  /** a table with its own 对照 column shows a product without insurance facts as a plain dash */
  dashWhenNone?: boolean;
}) {
  if (!facts.chrgitmLv && dashWhenNone) {
    return (
      <span className="muted" title={facts.natCode ? '不在医保目录' : '未对照医保目录'} data-testid="insurance-none">
        —
      </span>
    );
  }
  if (!facts.chrgitmLv) {
    return (
      <span className="badge badge-muted" data-testid="insurance-none">
        {facts.natCode ? '不在医保目录' : compact ? '未对照医保' : '未对照医保目录'}
      </span>
    );
  }
  return (
    <>
      {showClass ? <InsuranceClassBadge level={facts.chrgitmLv} /> : null}
      {facts.priceLimitFen !== null ? (
        <span className="badge badge-limit" title="医保限价（1318）：超出部分按规定处理">
          限价 {formatFen(facts.priceLimitFen)}
        </span>
      ) : null}
      {facts.limitedUse ? (
        <span className="badge badge-warn" title="限定支付范围使用">
          限用
        </span>
      ) : null}
      {!facts.isInsuranceItem ? (
        <span
          className="badge badge-danger"
          title="医保中心的“医药机构目录匹配”（1317）中没有本店的这个商品：医保结算前请先完成目录对照并上传"
          data-testid="not-insurance-item"
        >
          非本店医保项目
        </span>
      ) : null}
    </>
  );
}

export function RxBadge({ rxClass }: { rxClass: RxClass }) {
  return (
    <span className={`badge rx-${rxClass}`} data-testid="rx-badge" data-rx={rxClass}>
      {RX_LABELS[rxClass]}
    </span>
  );
}

export function FlagBadges({ flags }: { flags: readonly SpecialFlag[] }) {
  return (
    <>
      {flags.map((f) => (
        <span key={f} className={`badge flag-${f}`} title={FLAG_LABELS[f].full} data-testid="flag-badge">
          {FLAG_LABELS[f].short}
        </span>
      ))}
    </>
  );
}

export function MappingBadge({ state, message }: { state: MappingState; message?: string | null }) {
  const title = message ? `${MAPPING_STATE_HINTS[state]}\n医保中心：${message}` : MAPPING_STATE_HINTS[state];
  return (
    <span className={`badge mapping-${state}`} title={title} data-testid="mapping-state" data-state={state}>
      {MAPPING_STATE_LABELS[state]}
    </span>
  );
}
