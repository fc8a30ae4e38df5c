import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Encrypts secrets (gateway token, app secret, SM2 private key) before they reach the database.
 * The desktop app uses Electron safeStorage (DPAPI on Windows); browser mode, CLIs and tests use
 * a key file beside the database, readable by the owner only.
 */
export interface SecretCipher {
  readonly scheme: string;
  /** shown to the admin so the fallback is never mistaken for the OS keystore */
  readonly label: string;
  encrypt(plain: string): Buffer;
  decrypt(cipher: Buffer): string;
}

/** The part of Electron's safeStorage the cipher needs; injected by the shell. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plain: string): Buffer;
  decryptString(cipher: Buffer): string;
}

export function createSafeStorageCipher(safeStorage: SafeStorageLike): SecretCipher {
  return {
    scheme: 'electron-safestorage',
    label: '系统密钥库（Electron safeStorage）',
    encrypt: (plain) => safeStorage.encryptString(plain),
    decrypt: (cipher) => safeStorage.decryptString(cipher),
  };
}

const KEY_FILE = 'secret.key';
const MAGIC = Buffer.from('PKF1');

/**
 * Non-desktop fallback: AES-256-GCM with a random key kept in `<dataDir>/secret.key` (mode 0600).
 * It protects against a copied database, not against someone who can read the whole folder.
 */
export function createKeyFileCipher(dataDir: string): SecretCipher {
  const keyPath = path.join(dataDir, KEY_FILE);
  const key = loadOrCreateKey(keyPath);
  return {
    scheme: 'keyfile-aes-256-gcm',
    label: `非桌面环境的备用方案：密钥文件 ${keyPath}（仅所有者可读，0600）`,
    encrypt(plain) {
      const iv = crypto.randomBytes(12);
      const c = crypto.createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
      return Buffer.concat([MAGIC, iv, c.getAuthTag(), body]);
    },
    decrypt(blob) {
      if (blob.length < 32 || !blob.subarray(0, 4).equals(MAGIC)) throw new Error('not a key-file ciphertext');
      const iv = blob.subarray(4, 16);
      const tag = blob.subarray(16, 32);
      const d = crypto.createDecipheriv('aes-256-gcm', key, iv);
      d.setAuthTag(tag);
      return Buffer.concat([d.update(blob.subarray(32)), d.final()]).toString('utf8');
    },
  };
}

function loadOrCreateKey(keyPath: string): Buffer {
  if (fs.existsSync(keyPath)) {
    const key = fs.readFileSync(keyPath);
    if (key.length !== 32) throw new Error(`key file ${keyPath} is damaged (expected 32 bytes)`);
    // Tighten permissions left loose by a copy or an unzip.
    if (process.platform !== 'win32' && (fs.statSync(keyPath).mode & 0o077) !== 0) fs.chmodSync(keyPath, 0o600);
    return key;
  }
  fs.mkdirSync(path.dirname(keyPath), { recursive: true });
  const key = crypto.randomBytes(32);
  // 'wx' so that two processes starting together cannot overwrite each other's key.
  try {
    fs.writeFileSync(keyPath, key, { mode: 0o600, flag: 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return loadOrCreateKey(keyPath);
    throw e;
  }
  return key;
}
