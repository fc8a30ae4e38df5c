export const ROLES = ['cashier', 'pharmacist', 'manager', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, string> = {
  cashier: '收银员',
  pharmacist: '药师',
  manager: '店长',
  admin: '管理员',
};

export function hasAnyRole(held: readonly Role[], allowed: readonly Role[]): boolean {
  return held.some((r) => allowed.includes(r));
}
