/**
 * SocialSecurityCardReader over the province's card-reader DLL (card-readers.md §B.2): the
 * SSCardDriver family's iReadCardBas(iType, pOutInfo), HeaSecReadInfo's ReadCardBas(pCardInfo,
 * pBusiCardInfo) after Init, or a one-argument regional variant — all chosen by configuration.
 */
import type { Logger } from '../app/core/logger';
import { parseSsCardOutput, ssCardFailure } from '../app/devices/identity/parse';
import {
  IdentityError,
  identityErrorFrom,
  maskSsCard,
  parseBindingConfig,
  ssCardConfigSchema,
  type SocialSecurityCardReader,
  type SsCardIdentity,
  type SsCardSettings,
} from '../app/devices/identity/types';
import { maskText } from '../app/shared/mask';
import {
  loadNativeLibrary,
  type NativeArg,
  type NativeFunction,
  type NativeLibrary,
  type ParamKind,
} from './ffi-loader';

export interface SsCardDeps {
  log?: Logger;
  load?: typeof loadNativeLibrary;
}

const PARAMS: Record<'type-out' | 'out-out' | 'out', ParamKind[]> = {
  'type-out': ['int', 'outBuffer'],
  'out-out': ['outBuffer', 'outBuffer'],
  out: ['outBuffer'],
};

export function createSsCardReader(settings: SsCardSettings, deps: SsCardDeps = {}): SocialSecurityCardReader {
  const config = parseBindingConfig(ssCardConfigSchema, settings, '社保卡读卡库');
  const load = deps.load ?? loadNativeLibrary;
  const what = '社保卡读卡库';
  let lib: NativeLibrary | null = null;
  let read: NativeFunction | null = null;
  let initialised = !config.init;

  const library = (): NativeLibrary => (lib ??= load(config.dllPath, { encoding: config.encoding }));

  const resolve = (): NativeFunction =>
    (read ??= library().func({
      name: config.functionName,
      convention: config.convention,
      returns: 'int',
      params: PARAMS[config.signature],
    }));

  // HeaSecReadInfo refuses every call until Init succeeded; a failed Init is retried on the next read
  const ensureInit = async (): Promise<void> => {
    if (initialised || !config.init) return;
    const init = library().func({
      name: config.init.functionName,
      convention: config.convention,
      returns: 'int',
      params: ['string', 'outBuffer'],
    });
    const r = await init.call([config.init.json, { outBuffer: config.init.errorBufferSize }], {
      mode: config.callMode,
      timeoutMs: config.timeoutMs,
    });
    const code = r.returned as number;
    if (code !== 0) {
      const said = r.outputs[0]!.text.trim();
      throw new IdentityError(
        'DLL_FAILED',
        `读卡器初始化失败（返回码${code}${said ? '：' + maskText(said) : ''}），请检查读卡器连接和初始化参数`,
        { dllCode: String(code) },
      );
    }
    initialised = true;
  };

  return {
    async read(): Promise<SsCardIdentity> {
      let result;
      try {
        await ensureInit();
        const fn = resolve();
        const out: NativeArg = { outBuffer: config.outputBufferSize };
        const args: NativeArg[] =
          config.signature === 'type-out'
            ? [config.cardType, out]
            : config.signature === 'out-out'
              ? [out, out]
              : [out];
        result = await fn.call(args, { mode: config.callMode, timeoutMs: config.timeoutMs });
      } catch (e) {
        const err = identityErrorFrom(e, what);
        deps.log?.warn('identity: card read call failed', { reason: err.reason, code: err.dllCode });
        throw err;
      }
      const code = result.returned as number;
      const text = result.outputs[0]!.text;
      if (code !== 0) {
        // many DLLs put their error text in the output buffer; a card string there is not a message
        const err = ssCardFailure(code, text.includes(config.layout.separator) ? '' : text, config.returnCodes);
        deps.log?.warn('identity: card read refused', { reason: err.reason, code });
        throw err;
      }
      try {
        const card = parseSsCardOutput(text, config.layout);
        deps.log?.info('identity: social-security card read', maskSsCard(card));
        return card;
      } catch (e) {
        if (e instanceof IdentityError) deps.log?.warn('identity: card output refused', { reason: e.reason });
        throw e;
      }
    },
  };
}
