/**
 * Training-mode (培训模式) e-voucher decoder. The sandbox center has no decode endpoint (its route
 * table names /fsi/api/hsecfc/localQrCodeQuery → 1162 but no handler answers it), so the decoder
 * asks whatever lookup the boot code injects — today `decodeEcQrDetail` from the sandbox seed,
 * later an HTTP call once the center answers ec.query itself.
 */
import type { Logger } from '../../core/logger';
import {
  IdentityError,
  describeProblems,
  eVoucherIdentitySchema,
  maskEVoucher,
  type EVoucherContext,
  type EVoucherDecoder,
  type EVoucherIdentity,
} from './types';

/** What the sandbox knows about one of its QR texts (shape of the seed's SandboxEcDecode). */
export interface SandboxEcRecord {
  ecToken: string;
  idNo: string;
  userName: string;
  idType?: string;
  insuOrg?: string;
}

export type SandboxEcLookup = (qr: string) => Promise<SandboxEcRecord | null>;

export interface SandboxDecoderOptions {
  lookup: SandboxEcLookup;
  log?: Logger;
}

/** Sandbox QR texts look like `SBXQR:EC:0001:6F1D2A`; anything else is a real voucher scanned by mistake. */
const SANDBOX_QR = /^SBXQR:EC:/;

export function createSandboxEVoucherDecoder(options: SandboxDecoderOptions): EVoucherDecoder {
  return {
    source: 'payload',
    async decode(qrPayload: string, ctx: EVoucherContext): Promise<EVoucherIdentity> {
      const qr = qrPayload.trim();
      if (!qr) throw new IdentityError('NOT_RECOGNISED', '没有读到二维码内容，请让顾客重新出示医保电子凭证');
      if (!ctx.orgId.trim()) throw new IdentityError('NOT_CONFIGURED', '缺少定点机构编码，无法解码电子凭证');
      let record: SandboxEcRecord | null;
      try {
        record = await options.lookup(qr);
      } catch (cause) {
        options.log?.warn('identity: sandbox e-voucher lookup failed', { error: cause });
        throw new IdentityError('DEVICE_MISSING', '培训模式的沙箱医保中心无法解码电子凭证，请稍后重试', { cause });
      }
      if (!record) {
        const hint = SANDBOX_QR.test(qr)
          ? '沙箱中没有这张电子凭证'
          : '培训模式只能识别沙箱的培训用电子凭证（SBXQR开头），请勿使用真实的医保电子凭证';
        // the QR text of a real voucher is a credential: log its shape only
        options.log?.info('identity: sandbox QR not recognised', {
          length: qr.length,
          sandboxForm: SANDBOX_QR.test(qr),
        });
        throw new IdentityError('NOT_RECOGNISED', hint);
      }
      const parsed = eVoucherIdentitySchema.safeParse(record);
      if (!parsed.success) {
        throw new IdentityError('BAD_OUTPUT', `沙箱返回的电子凭证信息不完整：${describeProblems(parsed.error)}`);
      }
      options.log?.info('identity: sandbox e-voucher decoded', maskEVoucher(parsed.data));
      return parsed.data;
    },
  };
}
