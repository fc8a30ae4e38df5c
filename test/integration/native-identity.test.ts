/**
 * The identity bindings end to end through koffi, against a stand-in shared library compiled here
 * from C with the vendor DLLs' signatures: GBK text both ways, failure statuses, outputs longer
 * than the buffer, a missing library, a missing export, a slow call. No vendor DLL is loaded.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../../app/core/logger';
import { IdentityError, type EVoucherContext } from '../../app/devices/identity/types';
import { NativeLibraryError, loadNativeLibrary } from '../../native/ffi-loader';
import { createNationEcDecoder } from '../../native/nation-ec-code';
import { createSsCardReader } from '../../native/ss-card';

const hasGcc = spawnSync('gcc', ['--version'], { stdio: 'ignore' }).status === 0;
if (!hasGcc)
  console.warn('native-identity: gcc not found — skipping the stand-in library tests (install gcc to run them)');

/** Every byte as an octal escape: unambiguous in C whatever follows, and GBK-exact. */
function cString(text: string): string {
  return '"' + [...iconv.encode(text, 'gbk')].map((b) => '\\' + b.toString(8).padStart(3, '0')).join('') + '"';
}

const EC_OK = JSON.stringify({
  code: 0,
  message: '成功',
  orgId: 'P11010000001',
  data: JSON.stringify({
    idNo: '11010119650315201X',
    idType: '01',
    userName: '张三丰',
    ecToken: '110100ec0123456789abcdef0123456789ab',
    insuOrg: '110100',
  }),
});
const EC_REFUSED = JSON.stringify({ code: -1, message: '二维码已失效，请刷新电子凭证' });
const CARD_OK =
  '110100|11010119650315201X|SBX000001|110100D156000005000000000000A001|王培训|00814E43|2.00|20200101|20300101|||';
const CARD_V3 = '411600|||411600D156000005C38275EEFC9B9648||008C544CB386844116018593CA|3.00|20211203|20311202|';

const STANDIN_C = `
#include <string.h>
#include <unistd.h>

static char last_in[65536];
static char last_url[4096];
static int init_done = 0;

const char *LastInput(void) { return last_in; }
const char *LastUrl(void) { return last_url; }

const char *NationEcTrans(const char *url, const char *in, char *out) {
  strncpy(last_url, url, sizeof last_url - 1);
  strncpy(last_in, in, sizeof last_in - 1);
  if (strstr(in, "CASE_REFUSED")) { strcpy(out, ${cString(EC_REFUSED)}); return "0000"; }
  if (strstr(in, "CASE_STATUS")) { strcpy(out, ${cString(JSON.stringify({ code: -1, message: '未检测到扫码设备' }))}); return ${cString('-1')}; }
  if (strstr(in, "CASE_BADJSON")) { strcpy(out, ${cString('系统错误<html>')}); return "0000"; }
  if (strstr(in, "CASE_FILL")) { memset(out, 'A', 1024); return "0000"; }
  if (strstr(in, "CASE_OVERRUN")) { memset(out, 'B', 1100); out[1100] = 0; return "0000"; }
  strcpy(out, ${cString(EC_OK)});
  return "0000";
}

int iReadCardBas(int iType, char *out) {
  switch (iType) {
    case 1: strcpy(out, ${cString(CARD_OK)}); return 0;
    case 2: strcpy(out, ${cString(CARD_V3)}); return 0;
    case 3: return -2;
    case 4: strcpy(out, ${cString('读卡器连接错误')}); return -11;
    case 5: memset(out, 'C', 600); out[600] = 0; return 0;
    case 6: return -2201;
    default: return -99;
  }
}

int SlowReadCardBas(int iType, char *out) {
  usleep(1500 * 1000);
  strcpy(out, ${cString(CARD_OK)});
  return 0;
}

int Init(const char *json, char *err) {
  if (strstr(json, "\\"IP\\"")) { init_done = 1; return 0; }
  strcpy(err, ${cString('初始化参数错误：缺少IP')});
  return -1;
}

int ReadCardBas(char *card, char *busi) {
  if (!init_done) { strcpy(card, ${cString('未初始化')}); return -1; }
  strcpy(card, ${cString(CARD_OK)});
  strcpy(busi, "BUSI");
  return 0;
}
`;

let dir = '';
let lib = '';

beforeAll(() => {
  if (!hasGcc) return;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pos-standin-'));
  fs.writeFileSync(path.join(dir, 'standin.c'), STANDIN_C);
  lib = path.join(dir, 'libstandin.so');
  const r = spawnSync('gcc', ['-shared', '-fPIC', '-O1', '-o', lib, path.join(dir, 'standin.c')], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`gcc failed: ${r.stderr}`);
});

afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

async function failure(p: Promise<unknown>): Promise<IdentityError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(IdentityError);
    return e as IdentityError;
  }
  throw new Error('expected an IdentityError');
}

const URL = 'http://127.0.0.1:9/localcfc/api/hsecfc/localQrCodeQuery';
const ctx = (orgId: string): EVoucherContext => ({ orgId, operatorId: 'op01', operatorName: '收款员甲' });

describe.skipIf(!hasGcc)('NationEcTrans binding over a stand-in library', () => {
  it('decodes: GBK request in, GBK name out, status string "0000"', async () => {
    const log = createMemoryLogger();
    const decoder = createNationEcDecoder({ dllPath: lib, url: URL }, { log });
    expect(decoder.source).toBe('device');
    const v = await decoder.decode('', ctx('P11010000001'));
    expect(v).toMatchObject({ userName: '张三丰', idNo: '11010119650315201X', idType: '01', insuOrg: '110100' });
    expect(v.ecToken).toBe('110100ec0123456789abcdef0123456789ab');

    // what the DLL received, read back through the same loader (GBK decoded)
    const probe = loadNativeLibrary(lib);
    const lastInput = await probe
      .func({ name: 'LastInput', convention: 'cdecl', returns: 'string', params: [] })
      .call([]);
    const lastUrl = await probe.func({ name: 'LastUrl', convention: 'cdecl', returns: 'string', params: [] }).call([]);
    expect(lastUrl.returned).toBe(URL);
    expect(JSON.parse(String(lastInput.returned))).toMatchObject({
      orgId: 'P11010000001',
      transType: 'ec.query',
      data: { businessType: '02121', operatorName: '收款员甲' },
    });

    const text = JSON.stringify(log.records);
    expect(text).not.toContain('张三丰');
    expect(text).not.toContain('11010119650315201X');
    expect(text).not.toContain(v.ecToken);
  });

  it('runs in sync mode too', async () => {
    const v = await createNationEcDecoder({ dllPath: lib, url: URL, callMode: 'sync' }).decode('', ctx('P1'));
    expect(v.userName).toBe('张三丰');
  });

  it('reports the decoder’s refusal and a failure status with their Chinese messages', async () => {
    const decoder = createNationEcDecoder({ dllPath: lib, url: URL });
    const refused = await failure(decoder.decode('', ctx('CASE_REFUSED')));
    expect(refused.reason).toBe('DECODE_REFUSED');
    expect(refused.message).toContain('二维码已失效，请刷新电子凭证');
    const status = await failure(decoder.decode('', ctx('CASE_STATUS')));
    expect(status.reason).toBe('DLL_FAILED');
    expect(status.dllCode).toBe('-1');
    expect(status.message).toBe('电子凭证解码库返回错误（-1）：未检测到扫码设备');
    const bad = await failure(decoder.decode('', ctx('CASE_BADJSON')));
    expect(bad.reason).toBe('BAD_OUTPUT');
  });

  it('an output that fills the buffer without a terminator, or writes past it, is refused — not read past', async () => {
    const decoder = createNationEcDecoder({ dllPath: lib, url: URL, outputBufferSize: 1024 });
    const fill = await failure(decoder.decode('', ctx('CASE_FILL')));
    expect(fill.reason).toBe('BAD_OUTPUT');
    expect(fill.message).toContain('超过了缓冲区大小（1024字节）');
    expect(fill.message).not.toContain('损坏内存');
    const over = await failure(decoder.decode('', ctx('CASE_OVERRUN')));
    expect(over.reason).toBe('BAD_OUTPUT');
    expect(over.message).toContain('可能已损坏内存');
    // the process is fine and the next call works
    expect((await decoder.decode('', ctx('P1'))).userName).toBe('张三丰');
  });

  it('a missing library or export is a clear error naming the file and the function, not a crash', async () => {
    const missing = await failure(
      createNationEcDecoder({ dllPath: path.join(dir, 'NationECCode.dll'), url: URL }).decode('', ctx('P1')),
    );
    expect(missing.reason).toBe('DEVICE_MISSING');
    expect(missing.message).toContain('找不到动态库文件');
    expect(missing.message).toContain(path.join(dir, 'NationECCode.dll'));

    const noExport = await failure(
      createNationEcDecoder({ dllPath: lib, url: URL, functionName: 'NationEcTransEx' }).decode('', ctx('P1')),
    );
    expect(noExport.reason).toBe('DEVICE_MISSING');
    expect(noExport.message).toContain(lib);
    expect(noExport.message).toContain('NationEcTransEx');

    const notALibrary = path.join(dir, 'broken.so');
    fs.writeFileSync(notALibrary, 'not a shared library');
    const broken = await failure(createNationEcDecoder({ dllPath: notALibrary, url: URL }).decode('', ctx('P1')));
    expect(broken.message).toContain('无法加载动态库');
  });

  it('names a bitness mismatch for a DLL built for another architecture', () => {
    const pe = Buffer.alloc(512);
    pe.write('MZ', 0, 'latin1');
    pe.writeUInt32LE(0x80, 0x3c);
    pe.write('PE\0\0', 0x80, 'latin1');
    pe.writeUInt16LE(process.arch === 'ia32' ? 0x8664 : 0x14c, 0x84);
    const file = path.join(dir, 'SSCardDriver.dll');
    fs.writeFileSync(file, pe);
    try {
      loadNativeLibrary(file);
      throw new Error('expected a load failure');
    } catch (e) {
      expect(e).toBeInstanceOf(NativeLibraryError);
      expect((e as NativeLibraryError).reason).toBe('LIBRARY_MISSING');
      expect((e as Error).message).toMatch(/该DLL为(32|64)位，本程序为(32|64)位/);
    }
  });

  it('a function of an unloaded library refuses to run instead of jumping into unmapped code', async () => {
    const own = loadNativeLibrary(lib);
    const fn = own.func({ name: 'LastUrl', convention: 'cdecl', returns: 'string', params: [] });
    own.unload();
    await expect(fn.call([])).rejects.toThrow(/已卸载/);
    expect(() => own.func({ name: 'LastUrl', convention: 'cdecl', returns: 'string', params: [] })).toThrow(/已卸载/);
  });

  it('an unconfigured decoder says what is missing', () => {
    expect(() => createNationEcDecoder({ dllPath: '', url: '' })).toThrow(/电子凭证解码库配置有误/);
  });
});

describe.skipIf(!hasGcc)('social-security card binding over a stand-in library', () => {
  const reader = (cardType: number, extra: Record<string, unknown> = {}) =>
    createSsCardReader({ dllPath: lib, cardType, ...extra });

  it('reads a card: GBK name, card number field 3, card_sn field 4', async () => {
    const log = createMemoryLogger();
    const card = await createSsCardReader({ dllPath: lib, cardType: 1 }, { log }).read();
    expect(card).toEqual({
      admdvs: '110100',
      idNo: '11010119650315201X',
      cardNo: 'SBX000001',
      cardSn: '110100D156000005000000000000A001',
      name: '王培训',
      cardVersion: '2.00',
      issuedOn: '20200101',
      validUntil: '20300101',
    });
    const text = JSON.stringify(log.records);
    for (const secret of ['王培训', '11010119650315201X', 'SBX000001']) expect(text).not.toContain(secret);
  });

  it('maps no card, a reader error with its GBK message, an HSM card and an unknown code', async () => {
    const none = await failure(reader(3).read());
    expect(none.reason).toBe('CARD_NOT_PRESENT');
    expect(none.message).toContain('请插卡');
    const conn = await failure(reader(4).read());
    expect(conn.reason).toBe('DLL_FAILED');
    expect(conn.message).toBe('读社保卡失败（返回码-11：读卡器连接错误）');
    expect((await failure(reader(6).read())).reason).toBe('CARD_NEEDS_HSM');
    expect((await failure(reader(2).read())).reason).toBe('CARD_NEEDS_HSM');
    expect((await failure(reader(9).read())).dllCode).toBe('-99');
  });

  it('refuses an output longer than the configured buffer', async () => {
    const e = await failure(reader(5, { outputBufferSize: 512 }).read());
    expect(e.reason).toBe('BAD_OUTPUT');
    expect(e.message).toContain('512字节');
    // with room enough the same output is merely not a card string
    expect((await failure(reader(5, { outputBufferSize: 1024 }).read())).message).toContain('格式不对');
  });

  it('HeaSecReadInfo style: Init first (retried after a failure), then ReadCardBas(pCardInfo, pBusiCardInfo)', async () => {
    const bad = createSsCardReader({
      dllPath: lib,
      functionName: 'ReadCardBas',
      signature: 'out-out',
      init: { json: '{"PORT":"8080"}' },
    });
    const e = await failure(bad.read());
    expect(e.reason).toBe('DLL_FAILED');
    expect(e.message).toContain('读卡器初始化失败（返回码-1：初始化参数错误：缺少IP）');

    const good = createSsCardReader({
      dllPath: lib,
      functionName: 'ReadCardBas',
      signature: 'out-out',
      init: { json: '{"IP":"127.0.0.1","PORT":"8080"}' },
    });
    expect((await good.read()).cardNo).toBe('SBX000001');
    expect((await good.read()).name).toBe('王培训');
  });

  it('a slow reader: the caller stops waiting, a second read meanwhile is told the device is busy', async () => {
    const slow = createSsCardReader({ dllPath: lib, functionName: 'SlowReadCardBas', timeoutMs: 1000 });
    const other = reader(1);
    const first = slow.read();
    const busy = await failure(other.read());
    expect(busy.reason).toBe('BUSY');
    expect(busy.message).toContain('设备正忙');
    const timedOut = await failure(first);
    expect(timedOut.reason).toBe('TIMEOUT');
    // the native call still finishes on its worker thread and frees the device
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        expect((await other.read()).cardNo).toBe('SBX000001');
        break;
      } catch (e) {
        if (!(e instanceof IdentityError && e.reason === 'BUSY') || Date.now() > deadline) throw e;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  });

  it('a missing export names the DLL and the function', async () => {
    const e = await failure(createSsCardReader({ dllPath: lib, functionName: 'iReadCardBas_HSM_Step1' }).read());
    expect(e.reason).toBe('DEVICE_MISSING');
    expect(e.message).toContain('iReadCardBas_HSM_Step1');
    expect(e.message).toContain(lib);
  });
});
