import type { AuditRow, NhsaJournalRow, NhsaReversalRow } from '../../../../app/shared/contract';

/** Chinese names for audit actions; an action not listed is shown as recorded. */
const ACTION_LABELS: Record<string, string> = {
  'auth.login': '登录',
  'auth.logout': '退出登录',
  'auth.locked': '账户锁定',
  'auth.setup_admin': '创建管理员',
  'auth.change_password': '修改密码',
  'operators.create': '新建操作员',
  'operators.update': '修改操作员',
  'operators.reset_password': '重置密码',
  'operators.unlock': '解锁操作员',
  'settings.update': '修改设置',
  'system.backup': '数据备份',
  'nhsa.journal_export': '导出医保接口日志',
  'nhsa.reverse': '手工冲正',
  // refusals are recorded under the channel that was called
  'auth.changePassword': '修改密码',
  'operators.list': '查看操作员',
  'operators.resetPassword': '重置密码',
  'settings.get': '查看设置',
  'audit.list': '查看审计日志',
  'system.info': '查看系统信息',
  'system.backupNow': '数据备份',
  'system.listBackups': '查看备份',
  'nhsa.signIn': '医保签到',
  'nhsa.journal': '查看医保接口日志',
  'nhsa.journalExport': '导出医保接口日志',
  'nhsa.reversals': '查看冲正队列',
  'nhsa.pharmacyInfo': '获取机构信息',
  'nhsa.practitioners': '查询医保药师',
  'catalogue.states': '查看目录状态',
  'catalogue.sync': '同步医保目录',
  'catalogue.runs': '查看同步记录',
  'catalogue.searchNational': '检索国家目录',
  'products.search': '商品检索',
  'products.list': '查看本店商品',
  'products.get': '查看商品',
  'products.save': '保存商品',
  'products.import': '导入商品',
  'mapping.candidates': '查看对照候选',
  'mapping.confirm': '确认目录对照',
  'mapping.upload': '上传目录对照',
  'mapping.revoke': '撤销目录对照',
};

const SCREEN_LABELS: Record<string, string> = {
  setup: '首次使用',
  login: '登录',
  sale: '收银',
  inventory: '库存',
  catalog: '目录',
  'catalog/search': '目录 › 商品检索',
  'catalog/products': '目录 › 本店商品',
  'catalog/mapping': '目录 › 目录对照',
  'catalog/sync': '目录 › 目录同步',
  reconcile: '对账',
  'settings/general': '设置 › 基本设置',
  'settings/operators': '设置 › 操作员',
  'settings/audit': '设置 › 审计日志',
  'settings/backup': '设置 › 数据备份',
  'settings/system': '设置 › 系统信息',
  'settings/nhsa-journal': '设置 › 医保接口日志',
  'settings/nhsa-reversals': '设置 › 冲正队列',
  'settings/practitioners': '设置 › 药师',
};

export const OUTCOME_LABELS: Record<AuditRow['outcome'], string> = { ok: '成功', denied: '拒绝', failed: '失败' };

export function actionLabel(action: string): string | null {
  return ACTION_LABELS[action] ?? null;
}

export function screenLabel(screen: string | null): string {
  if (!screen) return '—';
  return SCREEN_LABELS[screen] ?? screen;
}

/** How an insurance call ended, in the words of the counter. */
export const NHSA_OUTCOME_LABELS: Record<NhsaJournalRow['outcome'], string> = {
  ok: '成功',
  business_error: '医保拒绝',
  not_sent: '未发送',
  unknown: '结果未知',
  pending: '进行中',
};

/** What each outcome means, for the tooltip and the details drawer. */
export const NHSA_OUTCOME_HINTS: Record<NhsaJournalRow['outcome'], string> = {
  ok: '医保中心已办理（infcode 0）',
  business_error: '医保中心收到请求并拒绝办理，原因见错误信息',
  not_sent: '请求没有发到医保中心（输入有误或连不上），医保中心没有办理',
  unknown: '请求可能已被医保中心办理，但没有收到有效应答；药店结算会自动冲正',
  pending: '正在等待医保中心应答',
};

/** The transactions a pharmacy uses most; the filter suggests them, any other code can be typed. */
export const COMMON_INFNOS: readonly { infno: string; name: string }[] = [
  { infno: '9001', name: '签到' },
  { infno: '9002', name: '签退' },
  { infno: '1101', name: '人员基本信息获取' },
  { infno: '2001', name: '人员待遇享受检查' },
  { infno: '2101', name: '药店预结算' },
  { infno: '2102', name: '药店结算' },
  { infno: '2103', name: '药店结算撤销' },
  { infno: '2601', name: '冲正交易' },
  { infno: '1201', name: '医药机构信息获取' },
  { infno: '5102', name: '医执人员信息查询' },
];

/** The only transactions 2601 reverses. */
export const REVERSIBLE_LABELS: Record<string, string> = { '2102': '药店结算', '2103': '药店结算撤销' };

export const REVERSAL_REASON_LABELS: Record<NhsaReversalRow['reason'], string> = {
  unknown_outcome: '结果未知，自动冲正',
  manual: '手工冲正',
  crash_recovery: '程序异常退出，自动冲正',
};

export const REVERSAL_STATE_LABELS: Record<NhsaReversalRow['state'], string> = {
  pending: '待冲正',
  done: '已冲正',
};
