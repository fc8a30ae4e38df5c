import type { ComponentType } from 'react';
import type { ModuleId } from '../stores/navigation';
import type { Role } from '../../../app/shared/roles';
import { CatalogueScreen, visibleCatalogTabs } from './catalogue/CatalogueScreen';
import { CounterScreen } from './counter/CounterScreen';
import { InventoryScreen, visibleInventoryTabs } from './inventory/InventoryScreen';
import { ReconcileScreen, visibleReconcileTabs } from './reconcile/ReconcileScreen';
import { SettingsScreen, visibleSettingsTabs } from './settings/SettingsScreen';

export interface ModuleDef {
  id: ModuleId;
  label: string;
  /** F-key that opens it from anywhere in the main layout */
  key: string;
  /** what it will do, shown while it is not available yet */
  summary: string;
  /** undefined: the module is not built yet and an honest placeholder is shown */
  component?: ComponentType;
  /** who sees it in the navigation; everyone when absent */
  visibleTo?: (roles: readonly Role[]) => boolean;
}

// Replace a placeholder by giving the module its component; nothing else needs to change.
export const MODULES: readonly ModuleDef[] = [
  {
    id: 'sale',
    label: '收银',
    key: 'F1',
    summary: '扫码录入药品、采集追溯码、读取医保凭证，完成医保或自费结算并打印小票。',
    component: CounterScreen,
  },
  {
    id: 'inventory',
    label: '库存',
    key: 'F2',
    summary: '批次与效期、近效期预警、采购入库验收、采购退货、库存变动、盘点、拆零记录和库存图表。',
    component: InventoryScreen,
    visibleTo: (roles) => visibleInventoryTabs(roles).length > 0,
  },
  {
    id: 'catalog',
    label: '目录',
    key: 'F3',
    summary: '商品检索、本店商品档案与导入、与国家医保目录对照上传、医保目录同步。',
    component: CatalogueScreen,
    visibleTo: (roles) => visibleCatalogTabs(roles).length > 0,
  },
  {
    id: 'reconcile',
    label: '对账',
    key: 'F4',
    summary: '医保进销存上传队列（修改拒收记录后重传、删除），与医保中心的进销存差异对账。',
    component: ReconcileScreen,
    visibleTo: (roles) => visibleReconcileTabs(roles).length > 0,
  },
  {
    id: 'settings',
    label: '设置',
    key: 'F5',
    summary: '药店信息、医保接口、操作员、审计日志、数据备份、医保接口日志与冲正队列。',
    component: SettingsScreen,
    visibleTo: (roles) => visibleSettingsTabs(roles).length > 0,
  },
];
