/**
 * EVoucherDecoder over NationECCode.dll: NationEcTrans(url, inJson, outBuf) (card-readers.md §B.1).
 * With transType ec.query the DLL drives the certified scanner itself, so the QR text typed by a
 * keyboard-wedge scanner is not what it decodes.
 */
import type { Logger } from '../app/core/logger';
import { buildEVoucherRequest, isOkStatus, parseEVoucherOutput } from '../app/devices/identity/parse';
import {
  IdentityError,
  identityErrorFrom,
  maskEVoucher,
  nationEcCodeConfigSchema,
  parseBindingConfig,
  type EVoucherContext,
  type EVoucherDecoder,
  type EVoucherIdentity,
  type NationEcCodeSettings,
} from '../app/devices/identity/types';
import { maskText } from '../app/shared/mask';
import { loadNativeLibrary, type NativeFunction, type NativeLibrary } from './ffi-loader';

export interface NativeBindingDeps {
  log?: Logger;
  /** tests point this at a stand-in library loader; production uses koffi */
  load?: typeof loadNativeLibrary;
}

export function createNationEcDecoder(settings: NationEcCodeSettings, deps: NativeBindingDeps = {}): EVoucherDecoder {
  const config = parseBindingConfig(nationEcCodeConfigSchema, settings, '电子凭证解码库');
  const load = deps.load ?? loadNativeLibrary;
  let lib: NativeLibrary | null = null;
  let fn: NativeFunction | null = null;

  // Loaded on first use so a missing DLL shows up at the counter, not as a failed start-up,
  // and a file the implementer puts in place afterwards is picked up without a restart.
  const resolve = (): NativeFunction => {
    if (fn) return fn;
    lib ??= load(config.dllPath, { encoding: config.encoding });
    fn = lib.func({
      name: config.functionName,
      convention: config.convention,
      returns: config.returns === 'int' ? 'int' : 'string',
      params: ['string', 'string', 'outBuffer'],
    });
    return fn;
  };

  return {
    source: config.qrField ? 'payload' : 'device',
    async decode(qrPayload: string, ctx: EVoucherContext): Promise<EVoucherIdentity> {
      if (!ctx.orgId.trim()) throw new IdentityError('NOT_CONFIGURED', '缺少定点机构编码，无法解码电子凭证');
      const request = buildEVoucherRequest(ctx, {
        transType: config.transType,
        qrField: config.qrField,
        qrPayload,
        extra: config.extra,
      });
      let result;
      try {
        result = await resolve().call([config.url, request, { outBuffer: config.outputBufferSize }], {
          mode: config.callMode,
          timeoutMs: config.timeoutMs,
        });
      } catch (e) {
        const err = identityErrorFrom(e, '电子凭证解码库');
        deps.log?.warn('identity: NationEcTrans call failed', { reason: err.reason, message: err.message });
        throw err;
      }
      const out = result.outputs[0]!;
      if (!isOkStatus(result.returned, config.okStatuses)) {
        const status = String(result.returned).trim();
        const said = messageOf(out.text);
        deps.log?.warn('identity: NationEcTrans returned a failure status', { status: maskText(status) });
        throw new IdentityError(
          'DLL_FAILED',
          `电子凭证解码库返回错误（${maskText(status)}）${said ? '：' + maskText(said) : ''}`,
          { dllCode: status },
        );
      }
      try {
        const identity = parseEVoucherOutput(out.text, config.okCodes);
        deps.log?.info('identity: e-voucher decoded', maskEVoucher(identity));
        return identity;
      } catch (e) {
        if (e instanceof IdentityError) {
          deps.log?.warn('identity: e-voucher output refused', { reason: e.reason, code: e.dllCode });
        }
        throw e;
      }
    },
  };
}

/** The envelope's message, when a failing call still left one in the buffer. */
function messageOf(text: string): string {
  try {
    const v = JSON.parse(text) as unknown;
    if (v && typeof v === 'object' && 'message' in v && typeof v.message === 'string') return v.message;
  } catch {
    /* not JSON: nothing to add */
  }
  return '';
}
