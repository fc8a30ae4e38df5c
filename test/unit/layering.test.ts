import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd() });

async function restrictedImports(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('layering lint rules', () => {
  it('app/ may not import electron, the shell or the renderer', async () => {
    expect(
      await restrictedImports('app/core/x.ts', "import { app } from 'electron';\nexport const a = app;\n"),
    ).toHaveLength(1);
    expect(
      await restrictedImports('app/core/x.ts', "import { a } from '../../renderer/src/a';\nexport const b = a;\n"),
    ).toHaveLength(1);
    expect(
      await restrictedImports('app/core/x.ts', "import { a } from '../../electron/ipc';\nexport const b = a;\n"),
    ).toHaveLength(1);
    expect(await restrictedImports('app/core/x.ts', "import fs from 'node:fs';\nexport const b = fs;\n")).toHaveLength(
      0,
    );
  });

  it('renderer/ may import app/shared but nothing that touches disk, network or devices', async () => {
    const file = 'renderer/src/x.ts';
    expect(
      await restrictedImports(
        file,
        "import { CHANNELS } from '../../app/shared/contract';\nexport const c = CHANNELS;\n",
      ),
    ).toEqual([]);
    for (const spec of [
      '../../app/db/connection',
      '../../app/core/logger',
      '../../app/boot',
      'better-sqlite3',
      'node:fs',
      'fs',
      'serialport',
      'electron',
      'ws',
    ]) {
      const messages = await restrictedImports(file, `import * as m from '${spec}';\nexport const c = m;\n`);
      expect(messages.length, spec).toBeGreaterThan(0);
    }
  });

  it('app/shared stays pure so the renderer can use it', async () => {
    expect(
      await restrictedImports('app/shared/x.ts', "import fs from 'node:fs';\nexport const b = fs;\n"),
    ).toHaveLength(1);
    expect(
      await restrictedImports(
        'app/shared/x.ts',
        "import { openDatabase } from '../db/connection';\nexport const b = openDatabase;\n",
      ),
    ).toHaveLength(1);
    expect(await restrictedImports('app/shared/x.ts', "import { z } from './z';\nexport const b = z;\n")).toHaveLength(
      0,
    );
  });
});
