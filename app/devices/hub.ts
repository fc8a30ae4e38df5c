import type { Logger } from '../core/logger';
import type { SettingsService } from '../settings/settings-service';
import { decodeEcQrDetail } from '../sandbox/seed';
import { beijingDate } from '../nhsa/beijing-time';
import { AppError } from '../shared/errors';
import { createIdCardReader, type IdCardReader } from './id-card/reader';
import { createSandboxEVoucherDecoder } from './identity/sandbox-decoder';
import { startSerialScanner, type SerialScanner } from './scanner/serial-scanner';
import type { EVoucherDecoder, SocialSecurityCardReader } from './identity/types';

/**
 * The counter's devices, built from the settings when first needed and rebuilt when a device setting
 * changes (a port is reconfigured without restarting the till). What only exists as a Windows DLL (the
 * e-voucher decoder, the social-security card reader) is injected by the desktop shell; in training mode the
 * e-voucher is decoded by the sandbox instead.
 */

export interface DeviceHubDeps {
  settings: SettingsService;
  log: Logger;
  now: () => number;
  /** true while the insurance side runs against the built-in sandbox (培训模式) */
  training: () => boolean;
  /** factories for the DLL bindings (native/), given the JSON configuration from the settings */
  native?: NativeDeviceFactories;
}

export interface NativeDeviceFactories {
  eVoucher?: (config: unknown) => EVoucherDecoder;
  ssCard?: (config: unknown) => SocialSecurityCardReader;
}

export function createDeviceHub(deps: DeviceHubDeps) {
  let reader: { key: string; device: IdCardReader } | null = null;
  const natives = new Map<string, EVoucherDecoder | SocialSecurityCardReader>();

  /** A DLL binding built from its JSON setting (cached per configuration text). */
  function native<T extends EVoucherDecoder | SocialSecurityCardReader>(
    key: 'devices.evoucher_dll' | 'devices.sscard_dll',
    factory: ((config: unknown) => T) | undefined,
    missing: string,
  ): T {
    const text = deps.settings.current()[key];
    if (!text || !factory) throw new AppError('SETTINGS_INVALID', missing);
    const cached = natives.get(`${key}:${text}`);
    if (cached) return cached as T;
    // the binding validates the configuration itself and names the bad field in Chinese
    const made = factory(JSON.parse(text) as unknown);
    natives.set(`${key}:${text}`, made);
    return made;
  }
  const sandboxDecoder = createSandboxEVoucherDecoder({
    lookup: async (qr) => {
      const d = decodeEcQrDetail(qr);
      return d ? { ecToken: d.ecToken, idNo: d.idNo, userName: d.userName, idType: d.idType } : null;
    },
    log: deps.log,
  });

  function idCardReader(): IdCardReader {
    const s = deps.settings.current();
    const port = s['devices.id_card_reader_port'];
    if (!port)
      throw new AppError('SETTINGS_INVALID', '未设置身份证阅读器串口：请在 设置 → 设备 中填写，或手工输入身份证号');
    const baud = Number(s['devices.id_card_reader_baud']);
    const key = `${port}@${baud}`;
    if (reader?.key !== key) {
      const old = reader?.device;
      void old?.close();
      reader = {
        key,
        device: createIdCardReader({
          path: port,
          baudRate: baud,
          logger: deps.log,
          today: () => beijingDate(new Date(deps.now())),
        }),
      };
    }
    return reader.device;
  }

  let scanner: { port: string; device: SerialScanner } | null = null;

  /**
   * Keeps the serial (COM) scanner open on the configured port, reconnecting when it is unplugged; every code
   * goes to `onCode`. A keyboard-wedge scanner needs none of this (the screen reads it as key strokes).
   */
  function watchScanner(onCode: (code: string) => void, onState: (connected: boolean, message: string) => void) {
    const apply = () => {
      const port = deps.settings.current()['devices.scanner_port'];
      if (scanner?.port === port) return;
      void scanner?.device.close();
      scanner = null;
      if (!port) return;
      scanner = {
        port,
        device: startSerialScanner({
          path: port,
          onCode,
          onState: (state, message) => onState(state === 'connected', message),
          onError: (e) => deps.log.warn('devices: serial scanner error', { error: e.message }),
        }),
      };
    };
    apply();
    return deps.settings.onChange((keys) => {
      if (keys.includes('devices.scanner_port')) apply();
    });
  }

  return {
    idCardReader,
    watchScanner,

    eVoucher(): EVoucherDecoder {
      if (deps.training() && !deps.settings.current()['devices.evoucher_dll']) return sandboxDecoder;
      return native(
        'devices.evoucher_dll',
        deps.native?.eVoucher,
        '未配置医保电子凭证解码库（设置 → 设备），请联系实施工程师',
      );
    },

    ssCard(): SocialSecurityCardReader {
      return native(
        'devices.sscard_dll',
        deps.native?.ssCard,
        '未配置社保卡读卡库（设置 → 设备）；可由实施工程师手工输入卡号和卡识别码',
      );
    },

    async close(): Promise<void> {
      await reader?.device.close();
      reader = null;
      await scanner?.device.close();
      scanner = null;
    },
  };
}

export type DeviceHub = ReturnType<typeof createDeviceHub>;
