import { describe, expect, it } from 'vitest';
import { createDeviceHub } from '../../app/devices/hub';
import type { EVoucherDecoder } from '../../app/devices/identity/types';
import { coreFixture } from '../support/core-fixture';

/** The counter's devices come from the settings: the sandbox decoder in training mode, DLL bindings when set. */

describe('device hub', () => {
  it('decodes sandbox e-vouchers in training mode, refuses real ones', async () => {
    const core = coreFixture();
    const hub = createDeviceHub({ settings: core.settings, log: core.log, now: core.now, training: () => true });
    const d = await hub.eVoucher().decode('SBXQR:EC:0001:6F1D2A', { orgId: 'P11010000001' });
    expect(d).toMatchObject({ ecToken: 'ectoken-110100-sbx-0001-wangpeixun', userName: '王培训' });
    await expect(hub.eVoucher().decode('https://example.invalid/qr', { orgId: 'P11010000001' })).rejects.toThrow(
      '培训模式',
    );
  });

  it('builds a DLL binding from its JSON setting once, and says what is missing otherwise', async () => {
    const core = coreFixture({
      POS_DEVICES_EVOUCHER_DLL: '{"dllPath":"C:\\\\v\\\\NationECCode.dll","url":"http://x"}',
    });
    const made: unknown[] = [];
    const fake: EVoucherDecoder = { source: 'device', decode: () => Promise.reject(new Error('unused')) };
    const hub = createDeviceHub({
      settings: core.settings,
      log: core.log,
      now: core.now,
      training: () => false,
      native: {
        eVoucher: (config) => {
          made.push(config);
          return fake;
        },
      },
    });
    expect(hub.eVoucher()).toBe(fake);
    expect(hub.eVoucher()).toBe(fake);
    expect(made).toEqual([{ dllPath: 'C:\\v\\NationECCode.dll', url: 'http://x' }]);
    expect(() => hub.ssCard()).toThrow('未配置社保卡读卡库');
    expect(() => hub.idCardReader()).toThrow('未设置身份证阅读器串口');
  });
});
