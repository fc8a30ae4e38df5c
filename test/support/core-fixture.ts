import path from 'node:path';
import { createAuditLog } from '../../app/auth/audit';
import { createOperatorService } from '../../app/auth/operators';
import { createMemoryLogger } from '../../app/core/logger';
import { createKeyFileCipher } from '../../app/core/secrets';
import { openDatabase } from '../../app/db/connection';
import { migrate } from '../../app/db/migrate';
import { MIGRATIONS } from '../../app/db/migrations';
import { createSettingsService } from '../../app/settings/settings-service';
import { tempDir } from './tmp';

/** Real services over a real SQLite file in a temporary folder. */
export function coreFixture(env: NodeJS.ProcessEnv = {}, dir = tempDir()) {
  const db = openDatabase(path.join(dir, 'pos.sqlite'));
  migrate(db, MIGRATIONS);
  const log = createMemoryLogger();
  const cipher = createKeyFileCipher(dir);
  let clock = Date.UTC(2026, 10, 28, 2, 0, 0);
  const now = () => clock;
  const settings = createSettingsService({ db, cipher, env, log, now });
  const operators = createOperatorService(db, now);
  const audit = createAuditLog(db, now);
  return {
    dir,
    db,
    log,
    cipher,
    settings,
    operators,
    audit,
    advance(ms: number) {
      clock += ms;
    },
    now,
  };
}
