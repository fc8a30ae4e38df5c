import { sql as m0001 } from './0001-foundation';
import { sql as m0002 } from './0002-nhsa-journal';
import { sql as m0003 } from './0003-catalogue-products';
import { sql as m0004 } from './0004-counter';
import { sql as m0005 } from './0005-inventory';
import { sql as m0006 } from './0006-stock-query';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** In order; the version is the value PRAGMA user_version takes once the migration is applied. */
export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: '0001-foundation', sql: m0001 },
  { version: 2, name: '0002-nhsa-journal', sql: m0002 },
  { version: 3, name: '0003-catalogue-products', sql: m0003 },
  { version: 4, name: '0004-counter', sql: m0004 },
  { version: 5, name: '0005-inventory', sql: m0005 },
  { version: 6, name: '0006-stock-query', sql: m0006 },
];
