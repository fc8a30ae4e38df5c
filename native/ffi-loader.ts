/**
 * Loads a vendor DLL (or, in tests, a stand-in .so) with koffi and calls C functions declared from
 * configuration, because the names, calling conventions and buffer sizes of the identity DLLs
 * differ per region and must be adaptable by an implementer (实施工程师) without a code change.
 *
 * Strings cross as bytes in the DLL's ANSI code page (GBK on Chinese Windows), never as koffi's
 * UTF-8 `str`, so Chinese names survive in both directions.
 */
import fs from 'node:fs';
import path from 'node:path';
import iconv from 'iconv-lite';
import koffi, { type IKoffiLib } from 'koffi';
import { AppError } from '../app/shared/errors';

type KoffiFunction = ReturnType<IKoffiLib['func']>;

export type CallingConvention = 'stdcall' | 'cdecl';
/** gbk = the Chinese Windows ANSI code page (936); gb18030 for a DLL that writes rare-character names in it */
export type TextEncoding = 'gbk' | 'gb18030' | 'utf8';
/** string: a JS string passed as `const char *`; int: int32; outBuffer: a `char *` the DLL fills */
export type ParamKind = 'string' | 'int' | 'outBuffer';
/** int: int32/long (long is 32-bit on Windows); string: `const char *` status text; void: nothing */
export type ReturnKind = 'int' | 'string' | 'void';

export interface NativeFunctionDecl {
  name: string;
  convention: CallingConvention;
  returns: ReturnKind;
  params: readonly ParamKind[];
}

/** An outBuffer argument gives the byte size the DLL is allowed to write. */
export type NativeArg = string | number | { outBuffer: number };

export interface OutputText {
  text: string;
  /** a NUL terminator was found inside the buffer: the text is whole */
  complete: boolean;
  /** the DLL wrote past the buffer's end into the guard zone */
  overran: boolean;
}

export interface NativeCallResult {
  returned: number | string | null;
  outputs: OutputText[];
}

export interface CallOptions {
  /** async runs on a koffi worker thread so a DLL waiting for a scan does not freeze the window */
  mode?: 'async' | 'sync';
  /** async only: give up waiting (the native call itself cannot be cancelled) */
  timeoutMs?: number;
}

export interface NativeFunction {
  readonly name: string;
  call(args: readonly NativeArg[], options?: CallOptions): Promise<NativeCallResult>;
}

export interface NativeLibrary {
  readonly path: string;
  /** throws NativeLibraryError EXPORT_MISSING instead of crashing when the export is absent */
  func(decl: NativeFunctionDecl): NativeFunction;
  unload(): void;
}

export type NativeFailure =
  | 'LIBRARY_MISSING'
  | 'EXPORT_MISSING'
  | 'CALL_FAILED'
  | 'BUSY'
  | 'TIMEOUT'
  /** an output buffer came back without a terminator inside it, or the guard zone was written */
  | 'OUTPUT_OVERFLOW';

export class NativeLibraryError extends AppError {
  readonly reason: NativeFailure;
  readonly libraryPath: string;
  readonly functionName?: string;

  constructor(
    reason: NativeFailure,
    message: string,
    where: { libraryPath: string; functionName?: string },
    cause?: unknown,
  ) {
    super('INTERNAL', message, { cause, logDetail: { reason, ...where } });
    this.name = 'NativeLibraryError';
    this.reason = reason;
    this.libraryPath = where.libraryPath;
    this.functionName = where.functionName;
  }
}

/**
 * Bytes kept after each output buffer and checked afterwards. A DLL that ignores the size can still
 * write further than this; the guard turns the common "a little too long" case into a clear error.
 */
const GUARD_BYTES = 4096;
const GUARD_FILL = 0xa5;
/** a status string longer than this is not a status */
const MAX_STATUS_BYTES = 4096;

/** Vendor DLLs keep global state: one call per library file at a time, across every loader. */
const busyLibraries = new Set<string>();

export interface LoadOptions {
  encoding?: TextEncoding;
}

export function loadNativeLibrary(libraryPath: string, options: LoadOptions = {}): NativeLibrary {
  const encoding = options.encoding ?? 'gbk';
  if (!libraryPath.trim()) {
    throw new NativeLibraryError('LIBRARY_MISSING', '未配置动态库（DLL）路径，请在设置中填写', { libraryPath });
  }
  const resolved = path.resolve(libraryPath);
  if (!fs.existsSync(resolved)) {
    throw new NativeLibraryError('LIBRARY_MISSING', `找不到动态库文件：${resolved}，请检查安装目录或设置中的路径`, {
      libraryPath: resolved,
    });
  }
  let lib: IKoffiLib;
  try {
    lib = koffi.load(resolved);
  } catch (cause) {
    const arch = describeArchMismatch(resolved);
    throw new NativeLibraryError(
      'LIBRARY_MISSING',
      `无法加载动态库：${resolved}${arch ? `（${arch}）` : ''}：${errorText(cause)}`,
      { libraryPath: resolved },
      cause,
    );
  }

  const state = { unloaded: false };
  return {
    path: resolved,
    func(decl) {
      if (state.unloaded) throw unloadedError(resolved, decl.name);
      return declare(lib, resolved, decl, encoding, state);
    },
    unload() {
      // unloading under a running worker-thread call would pull the code from under it
      if (state.unloaded || busyLibraries.has(resolved)) return;
      state.unloaded = true;
      lib.unload();
    },
  };
}

function declare(
  lib: IKoffiLib,
  libraryPath: string,
  decl: NativeFunctionDecl,
  encoding: TextEncoding,
  state: { unloaded: boolean },
): NativeFunction {
  const where = { libraryPath, functionName: decl.name };
  const ret = decl.returns === 'int' ? 'int32' : decl.returns === 'string' ? 'void *' : 'void';
  const params = decl.params.map((p) => (p === 'int' ? 'int32' : 'uint8_t *'));
  // stdcall only exists on 32-bit x86; koffi ignores it elsewhere, but saying so keeps the intent visible
  const convention = decl.convention === 'stdcall' && process.arch === 'ia32' ? '__stdcall' : '';
  let fn: KoffiFunction;
  try {
    fn = convention ? lib.func(convention, decl.name, ret, params) : lib.func(decl.name, ret, params);
  } catch (cause) {
    throw new NativeLibraryError(
      'EXPORT_MISSING',
      `动态库 ${libraryPath} 中没有函数 ${decl.name}，请核对设置中的函数名、调用约定或DLL版本`,
      where,
      cause,
    );
  }

  return {
    name: decl.name,
    async call(args, options = {}) {
      // koffi would jump into unmapped code: the one mistake here that cannot be caught afterwards
      if (state.unloaded) throw unloadedError(libraryPath, decl.name);
      if (args.length !== decl.params.length) {
        throw new NativeLibraryError(
          'CALL_FAILED',
          `调用 ${decl.name} 的参数个数不对（应为${decl.params.length}个）`,
          where,
        );
      }
      if (busyLibraries.has(libraryPath)) {
        throw new NativeLibraryError(
          'BUSY',
          `设备正忙：上一次对 ${path.basename(libraryPath)} 的调用还没有结束，请稍候再试`,
          where,
        );
      }
      const prepared = decl.params.map((kind, i) => prepareArg(kind, args[i]!, encoding, decl.name, where));
      const raw = prepared.map((p) => p.value);
      busyLibraries.add(libraryPath);
      const release = () => busyLibraries.delete(libraryPath);
      let returned: unknown;
      if (options.mode === 'sync') {
        try {
          returned = callSync(fn, raw, where);
        } finally {
          release();
        }
      } else {
        returned = await callAsync(fn, raw, options, where, release);
      }
      const outputs = prepared.filter((p) => p.out).map((p) => readOutput(p.value as Buffer, p.size, encoding));
      // a text cut at the buffer's end would parse as a wrong but plausible value (a shortened name)
      const bad = outputs.findIndex((o) => !o.complete || o.overran);
      if (bad >= 0) {
        const size = prepared.filter((p) => p.out)[bad]!.size;
        throw new NativeLibraryError(
          'OUTPUT_OVERFLOW',
          `${decl.name} 的输出超过了缓冲区大小（${size}字节）${outputs[bad]!.overran ? '，可能已损坏内存，建议重启收银程序' : ''}，请在设置中加大缓冲区`,
          where,
        );
      }
      return { returned: readReturn(decl.returns, returned, encoding), outputs };
    },
  };
}

interface PreparedArg {
  value: Buffer | number;
  out: boolean;
  size: number;
}

function prepareArg(
  kind: ParamKind,
  arg: NativeArg,
  encoding: TextEncoding,
  name: string,
  where: { libraryPath: string; functionName: string },
): PreparedArg {
  if (kind === 'int' && typeof arg === 'number' && Number.isInteger(arg)) return { value: arg, out: false, size: 0 };
  if (kind === 'string' && typeof arg === 'string') {
    const bytes = iconv.encode(arg, encoding);
    return { value: Buffer.concat([bytes, Buffer.alloc(1)]), out: false, size: 0 };
  }
  if (kind === 'outBuffer' && typeof arg === 'object' && Number.isInteger(arg.outBuffer) && arg.outBuffer > 0) {
    const buf = Buffer.alloc(arg.outBuffer + GUARD_BYTES, 0);
    buf.fill(GUARD_FILL, arg.outBuffer);
    return { value: buf, out: true, size: arg.outBuffer };
  }
  throw new NativeLibraryError('CALL_FAILED', `调用 ${name} 的参数类型与声明不符（应为${kind}）`, where);
}

function callSync(
  fn: KoffiFunction,
  args: (Buffer | number)[],
  where: { libraryPath: string; functionName: string },
): unknown {
  try {
    return fn(...args);
  } catch (cause) {
    throw new NativeLibraryError('CALL_FAILED', `调用 ${where.functionName} 失败：${errorText(cause)}`, where, cause);
  }
}

function callAsync(
  fn: KoffiFunction,
  args: (Buffer | number)[],
  options: CallOptions,
  where: { libraryPath: string; functionName: string },
  release: () => void,
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const timer =
      options.timeoutMs && options.timeoutMs > 0
        ? setTimeout(() => {
            settled = true;
            reject(
              new NativeLibraryError(
                'TIMEOUT',
                `${where.functionName} 在${Math.round(options.timeoutMs! / 1000)}秒内没有返回，请检查设备连接后重试`,
                where,
              ),
            );
          }, options.timeoutMs)
        : undefined;
    try {
      // `args` stays referenced by this closure until the callback, so the buffers the worker
      // thread writes into cannot be collected even after a timeout gave up on them
      fn.async(...args, (err: unknown, res: unknown) => {
        void args;
        release();
        if (timer) clearTimeout(timer);
        if (settled) return;
        settled = true;
        if (err) {
          reject(
            new NativeLibraryError('CALL_FAILED', `调用 ${where.functionName} 失败：${errorText(err)}`, where, err),
          );
        } else {
          resolve(res);
        }
      });
    } catch (cause) {
      release();
      if (timer) clearTimeout(timer);
      reject(
        new NativeLibraryError('CALL_FAILED', `调用 ${where.functionName} 失败：${errorText(cause)}`, where, cause),
      );
    }
  });
}

function readReturn(kind: ReturnKind, value: unknown, encoding: TextEncoding): number | string | null {
  if (kind === 'int') return typeof value === 'number' ? value : Number(value);
  if (kind === 'void' || value === null || value === undefined) return null;
  const bytes: number[] = [];
  for (let i = 0; i < MAX_STATUS_BYTES; i++) {
    const b = koffi.decode(value, i, 'uint8_t') as number;
    if (b === 0) break;
    bytes.push(b);
  }
  return iconv.decode(Buffer.from(bytes), encoding);
}

function readOutput(buf: Buffer, size: number, encoding: TextEncoding): OutputText {
  const nul = buf.subarray(0, size).indexOf(0);
  let overran = false;
  for (let i = size; i < buf.length; i++) {
    if (buf[i] !== GUARD_FILL) {
      overran = true;
      break;
    }
  }
  return {
    text: iconv.decode(buf.subarray(0, nul >= 0 ? nul : size), encoding),
    complete: nul >= 0,
    overran,
  };
}

/** A 32-bit DLL cannot be loaded into a 64-bit process (and vice versa): say so in plain words. */
export function describeArchMismatch(file: string): string | null {
  const machine = peMachine(file);
  if (!machine) return null;
  const dllArch = machine === 0x14c ? 'ia32' : machine === 0x8664 ? 'x64' : machine === 0xaa64 ? 'arm64' : null;
  if (!dllArch || dllArch === process.arch) return null;
  const bits = (a: string) => (a === 'ia32' ? '32位' : '64位');
  return `该DLL为${bits(dllArch)}，本程序为${bits(process.arch)}，请安装${bits(dllArch)}版收银程序或向厂商索取${bits(process.arch)}版DLL`;
}

function peMachine(file: string): number | null {
  let fd: number | null = null;
  try {
    fd = fs.openSync(file, 'r');
    const head = Buffer.alloc(4096);
    const n = fs.readSync(fd, head, 0, head.length, 0);
    if (n < 64 || head.toString('latin1', 0, 2) !== 'MZ') return null;
    const pe = head.readUInt32LE(0x3c);
    if (pe + 6 > n || head.toString('latin1', pe, pe + 4) !== 'PE\0\0') return null;
    return head.readUInt16LE(pe + 4);
  } catch {
    return null;
  } finally {
    if (fd !== null) fs.closeSync(fd);
  }
}

function unloadedError(libraryPath: string, functionName: string): NativeLibraryError {
  return new NativeLibraryError('CALL_FAILED', `动态库 ${libraryPath} 已卸载，不能再调用 ${functionName}`, {
    libraryPath,
    functionName,
  });
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
