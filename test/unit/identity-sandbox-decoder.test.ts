import { describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../../app/core/logger';
import { createSandboxEVoucherDecoder, type SandboxEcLookup } from '../../app/devices/identity/sandbox-decoder';
import { IdentityError, eVoucherTo1101 } from '../../app/devices/identity/types';
import { SANDBOX_PERSONS, decodeEcQrDetail } from '../../app/sandbox';

// The wiring the integrator is asked for: the seed's decode, behind the injected lookup.
const seedLookup: SandboxEcLookup = async (qr) => decodeEcQrDetail(qr);
const CTX = { orgId: 'P11010000001', operatorId: 'op01', operatorName: '收款员' };

async function failure(p: Promise<unknown>): Promise<IdentityError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(IdentityError);
    return e as IdentityError;
  }
  throw new Error('expected an IdentityError');
}

describe('training-mode e-voucher decoder', () => {
  it('turns every seeded QR into its person’s ecToken and identity', async () => {
    const decoder = createSandboxEVoucherDecoder({ lookup: seedLookup });
    expect(decoder.source).toBe('payload');
    const withEc = SANDBOX_PERSONS.filter((p) => p.ec);
    expect(withEc.length).toBeGreaterThanOrEqual(4);
    for (const p of withEc) {
      const v = await decoder.decode(`  ${p.ec!.qr}\r\n`, CTX);
      expect(v).toEqual({
        ecToken: p.ec!.ec_token,
        idNo: p.certno,
        idType: '01',
        userName: p.psn_name,
        insuOrg: p.insuplc_admdvs,
      });
      // what the sandbox's 1101 handler looks the person up by
      expect(eVoucherTo1101(v)).toMatchObject({
        mdtrt_cert_type: '01',
        mdtrt_cert_no: p.ec!.ec_token,
        certno: p.certno,
      });
    }
  });

  it('keeps the other-province person’s insurance region', async () => {
    const zhou = SANDBOX_PERSONS.find((p) => p.psn_name === '周异地')!;
    const v = await createSandboxEVoucherDecoder({ lookup: seedLookup }).decode(zhou.ec!.qr, CTX);
    expect(v.insuOrg).toBe('440300');
  });

  it('says why a QR is not recognised: unknown sandbox code, real voucher, nothing scanned', async () => {
    const decoder = createSandboxEVoucherDecoder({ lookup: seedLookup });
    const unknown = await failure(decoder.decode('SBXQR:EC:9999:000000', CTX));
    expect(unknown.reason).toBe('NOT_RECOGNISED');
    expect(unknown.code).toBe('NOT_FOUND');
    expect(unknown.message).toBe('沙箱中没有这张电子凭证');
    const real = await failure(decoder.decode('https://mbs.nhsa.gov.cn/ec?c=1234567890abcdef', CTX));
    expect(real.message).toContain('请勿使用真实的医保电子凭证');
    const empty = await failure(decoder.decode('   ', CTX));
    expect(empty.message).toContain('没有读到二维码内容');
  });

  it('needs the pharmacy code', async () => {
    const e = await failure(
      createSandboxEVoucherDecoder({ lookup: seedLookup }).decode('SBXQR:EC:0001:6F1D2A', { orgId: ' ' }),
    );
    expect(e.reason).toBe('NOT_CONFIGURED');
  });

  it('reports an unreachable sandbox and an incomplete answer', async () => {
    const down = createSandboxEVoucherDecoder({
      lookup: async () => {
        throw new Error('connect ECONNREFUSED 127.0.0.1:1');
      },
    });
    const e1 = await failure(down.decode('SBXQR:EC:0001:6F1D2A', CTX));
    expect(e1.reason).toBe('DEVICE_MISSING');
    expect(e1.message).toContain('沙箱医保中心');
    const broken = createSandboxEVoucherDecoder({
      lookup: async () => ({ ecToken: '', idNo: '110101199001013013', userName: '张沙箱' }),
    });
    const e2 = await failure(broken.decode('SBXQR:EC:0003:0C93B7', CTX));
    expect(e2.reason).toBe('BAD_OUTPUT');
    expect(e2.message).toContain('ecToken');
  });

  it('logs the decode without the person’s name, ID number, token or the QR text', async () => {
    const log = createMemoryLogger();
    const decoder = createSandboxEVoucherDecoder({ lookup: seedLookup, log });
    const wang = SANDBOX_PERSONS.find((p) => p.psn_name === '王培训')!;
    await decoder.decode(wang.ec!.qr, CTX);
    await failure(decoder.decode('REAL-VOUCHER-SECRET-TEXT', CTX));
    const text = JSON.stringify(log.records);
    expect(log.records.length).toBe(2);
    for (const secret of [wang.psn_name, wang.certno, wang.ec!.ec_token, 'REAL-VOUCHER-SECRET-TEXT']) {
      expect(text).not.toContain(secret);
    }
  });
});
