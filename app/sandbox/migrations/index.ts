import type { Migration } from '../../db/migrations';
import { sql as m0001 } from './0001-sandbox';
import { sql as m0002 } from './0002-catalogue';
import { sql as m0003 } from './0003-inventory';

/** The sandbox center's own schema history, in order; applied by the core's migrate(). */
export const SANDBOX_MIGRATIONS: readonly Migration[] = [
  { version: 1, name: '0001-sandbox', sql: m0001 },
  { version: 2, name: '0002-catalogue', sql: m0002 },
  { version: 3, name: '0003-inventory', sql: m0003 },
];
