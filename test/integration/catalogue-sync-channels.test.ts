import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bootCore } from '../../app/boot';
import { createSession } from '../../app/api/session';
import { createMemoryLogger } from '../../app/core/logger';
import { SANDBOX_GATEWAY, SANDBOX_PHARMACY } from '../../app/nhsa/service';
import { startSandbox } from '../../app/sandbox';
import type { CatalogueState, CatalogueSyncRun, NatItemHit, PosEventName } from '../../app/shared/contract';
import { onCleanup } from '../support/nhsa-fixture';
import { tempDir } from '../support/tmp';
import { CATALOGUE_CACHE } from './catalogue-sync-fixture';

/** The four catalogue channels through the real core and dispatcher, with roles and events. */

describe('catalogue channels', () => {
  it('sync starts in the background, states / runs / searchNational answer, events arrive', async () => {
    const dir = tempDir('sandbox-ch-');
    const sandbox = await startSandbox({
      dbPath: path.join(dir, 'sandbox.sqlite'),
      log: createMemoryLogger(),
      port: 0,
      gateway: SANDBOX_GATEWAY,
      fixmedinsCode: SANDBOX_PHARMACY.code,
      fixmedinsName: SANDBOX_PHARMACY.name,
      catalogues: { scale: 0.01, fileRowCap: 500, cacheDir: CATALOGUE_CACHE },
    });
    onCleanup(() => sandbox.close());
    const core = await bootCore({
      dataDir: tempDir('till-ch-'),
      shell: 'browser',
      version: 'test',
      env: {
        POS_NHSA_BASE_URL: sandbox.url,
        POS_NHSA_PAASID: SANDBOX_GATEWAY.paasid,
        POS_NHSA_TOKEN: SANDBOX_GATEWAY.token,
        POS_FIXMEDINS_CODE: SANDBOX_PHARMACY.code,
        POS_FIXMEDINS_NAME: SANDBOX_PHARMACY.name,
        POS_ADMDVS: SANDBOX_PHARMACY.admdvs,
      },
    });
    onCleanup(() => core.close());
    const events: PosEventName[] = [];
    const finished: CatalogueSyncRun[] = [];
    core.events.on((name, data) => {
      events.push(name);
      if (name === 'catalogue.finished') finished.push(data as CatalogueSyncRun);
    });

    const admin = createSession('test');
    const call = (s: typeof admin, channel: string, payload: unknown = {}) =>
      core.dispatcher.call(s, channel, payload, { screen: 'catalogue' });
    expect(
      await call(admin, 'auth.setupAdmin', { username: 'admin', displayName: '王店长', password: 'Admin2026x' }),
    ).toMatchObject({ ok: true });

    const started = await call(admin, 'catalogue.sync', { catalogues: ['1301', '1312', '1901'] });
    expect(started.ok).toBe(true);
    const ids = (started as { value: { started: number[] } }).value.started;
    expect(ids).toHaveLength(3);
    // it answered before the work was done
    const during = await call(admin, 'catalogue.states');
    expect((during as { value: CatalogueState[] }).value.find((s) => s.catalogue === '1301')!.running).toBe(true);

    const runs = await core.catalogue!.wait(ids);
    expect(runs.map((r) => [r.catalogue, r.status, r.trigger, r.operatorName])).toEqual([
      ['1301', 'ok', 'manual', '王店长'],
      ['1312', 'ok', 'manual', '王店长'],
      ['1901', 'ok', 'manual', '王店长'],
    ]);
    expect(finished.map((r) => r.id).sort()).toEqual([...ids].sort());
    expect(events).toContain('catalogue.progress');

    const states = (await call(admin, 'catalogue.states')) as { ok: true; value: CatalogueState[] };
    expect(states.value).toHaveLength(12);
    expect(states.value.find((s) => s.catalogue === '1301')).toMatchObject({
      running: false,
      rows: sandbox.catalogues.expectedCodes('1301'),
      lastRun: { status: 'ok' },
    });
    expect(states.value.find((s) => s.catalogue === '1302')).toMatchObject({ rows: 0, mark: null, lastRun: null });

    const history = (await call(admin, 'catalogue.runs', { limit: 2 })) as {
      ok: true;
      value: { rows: CatalogueSyncRun[]; total: number };
    };
    expect(history.value.total).toBe(3);
    expect(history.value.rows.map((r) => r.catalogue)).toEqual(['1901', '1312']);

    const found = (await call(admin, 'catalogue.searchNational', { q: '阿莫西林胶囊' })) as {
      ok: true;
      value: NatItemHit[];
    };
    expect(found.value.some((h) => h.code === 'XJ01CAA040A001010100001')).toBe(true);
    expect(await call(admin, 'catalogue.searchNational', { q: '' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });

    // a cashier searches but may not start a sync
    expect(
      await call(admin, 'operators.create', {
        username: 'cashier1',
        displayName: '收银员乙',
        roles: ['cashier'],
        password: 'Cashier2026x',
      }),
    ).toMatchObject({ ok: true });
    const cashier = createSession('test');
    expect(await call(cashier, 'auth.login', { username: 'cashier1', password: 'Cashier2026x' })).toMatchObject({
      ok: true,
    });
    expect(await call(cashier, 'catalogue.sync', {})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await call(cashier, 'catalogue.searchNational', { q: 'amxl', limit: 3 })).toMatchObject({ ok: true });

    const audit = (await call(admin, 'audit.list', { action: 'catalogue.sync' })) as {
      ok: true;
      value: { rows: { outcome: string; detail: unknown }[] };
    };
    // the admin's sync, and the cashier's refused attempt
    expect(audit.value.rows.map((r) => r.outcome).sort()).toEqual(['denied', 'ok']);
    expect(audit.value.rows.find((r) => r.outcome === 'ok')!.detail).toMatchObject({ runs: ids });
  }, 60_000);
});
