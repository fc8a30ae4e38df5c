import type { AuditRow } from '../../../../app/shared/contract';

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
  // refusals are recorded under the channel that was called
  'auth.changePassword': '修改密码',
  'operators.list': '查看操作员',
  'operators.resetPassword': '重置密码',
  'settings.get': '查看设置',
  'audit.list': '查看审计日志',
  'system.info': '查看系统信息',
  'system.backupNow': '数据备份',
  'system.listBackups': '查看备份',
};

const SCREEN_LABELS: Record<string, string> = {
  setup: '首次使用',
  login: '登录',
  sale: '收银',
  inventory: '库存',
  catalog: '目录',
  reconcile: '对账',
  'settings/general': '设置 › 基本设置',
  'settings/operators': '设置 › 操作员',
  'settings/audit': '设置 › 审计日志',
  'settings/backup': '设置 › 数据备份',
  'settings/system': '设置 › 系统信息',
};

export const OUTCOME_LABELS: Record<AuditRow['outcome'], string> = { ok: '成功', denied: '拒绝', failed: '失败' };

export function actionLabel(action: string): string | null {
  return ACTION_LABELS[action] ?? null;
}

export function screenLabel(screen: string | null): string {
  if (!screen) return '—';
  return SCREEN_LABELS[screen] ?? screen;
}
