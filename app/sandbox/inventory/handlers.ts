import type { HandlerDef } from '../handlers';
import { QUERY_HANDLERS } from './queries';
import { UPLOAD_HANDLERS } from './uploads';

/**
 * The inventory (进销存) side of the sandbox center: the uploads 3501–3507 with their batch variants, which keep a
 * ledger of accepted records (inv_records), and the queries 3508–3511 that read it back. Rules and wire choices:
 * uploads.ts, rules.ts, queries.ts; the test hook ([拒收] in memo) is described in rules.ts and the README.
 */
export const INVENTORY_HANDLERS: Readonly<Record<string, HandlerDef>> = {
  ...UPLOAD_HANDLERS,
  ...QUERY_HANDLERS,
};
