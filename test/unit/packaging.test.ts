import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const ROOT = path.resolve(__dirname, '..', '..');
const read = (rel: string) => fs.readFileSync(path.join(ROOT, rel), 'utf8');

interface TargetConfig {
  target: string;
  arch?: string[];
}

const builder = parse(read('electron-builder.yml')) as {
  appId: string;
  productName: string;
  directories: { output: string };
  files: string[];
  asarUnpack: string[];
  npmRebuild: boolean;
  extraResources?: { from: string; to: string }[];
  win: { icon: string; target: TargetConfig[] };
  nsis: Record<string, unknown>;
};
const pkg = JSON.parse(read('package.json')) as {
  main: string;
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
};

describe('electron-builder.yml', () => {
  it('passes electron-builder’s own schema validation', async () => {
    // Internal path of electron-builder's library: if an upgrade moves it, update it here.
    const require = createRequire(path.join(ROOT, 'package.json'));
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
      validateConfiguration(
        config: unknown,
        debug: { isEnabled: boolean; add(k: string, v: unknown): void },
      ): Promise<void>;
    };
    await expect(validateConfiguration(builder, { isEnabled: false, add: () => undefined })).resolves.toBeUndefined();
  });

  it('names the app and writes installers to release/', () => {
    expect(builder.appId).toBe('cn.pharmacy.pos');
    expect(builder.productName).toBe('药店医保收银台');
    expect(builder.directories.output).toBe('release');
  });

  it('packages the bundles and package.json, with main pointing into dist/', () => {
    expect(builder.files).toEqual(expect.arrayContaining(['dist/**', 'package.json']));
    expect(pkg.main.startsWith('dist/')).toBe(true);
  });

  it('unpacks native modules from the asar and rebuilds them for Electron at packaging', () => {
    expect(builder.asarUnpack).toContain('**/*.node');
    expect(builder.npmRebuild).toBe(true);
    expect(Object.keys(pkg.dependencies)).toContain('better-sqlite3');
  });

  it('builds an NSIS installer for both x64 and ia32', () => {
    const nsis = builder.win.target.find((t) => t.target === 'nsis');
    expect(nsis?.arch?.sort()).toEqual(['ia32', 'x64']);
  });

  it('lets the user choose a per-user install folder, in Chinese, without touching the data on uninstall', () => {
    expect(builder.nsis).toMatchObject({
      oneClick: false,
      perMachine: false,
      allowToChangeInstallationDirectory: true,
      shortcutName: '药店医保收银台',
      deleteAppDataOnUninstall: false,
    });
    expect(String(builder.nsis.language)).toBe('2052');
  });

  it('ships vendor DLLs from native/vendor when they exist', () => {
    expect(builder.extraResources).toContainEqual(expect.objectContaining({ from: 'native/vendor', to: 'vendor' }));
  });

  it('uses a 256×256 PNG icon that exists', () => {
    const icon = fs.readFileSync(path.join(ROOT, builder.win.icon));
    expect(icon.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(icon.subarray(12, 16).toString('ascii')).toBe('IHDR');
    expect([icon.readUInt32BE(16), icon.readUInt32BE(20)]).toEqual([256, 256]);
  });
});

describe('package.json', () => {
  it('never rebuilds native modules for Electron on install (tests need the Node build)', () => {
    for (const hook of ['preinstall', 'install', 'postinstall', 'prepare']) {
      const script = pkg.scripts[hook] ?? '';
      expect(script, hook).not.toMatch(/install-app-deps|electron-rebuild|@electron\/rebuild|electron-native/);
    }
  });

  it('has no script that rebuilds node_modules for Electron, other than packaging itself', () => {
    for (const [name, script] of Object.entries(pkg.scripts)) {
      expect(script, name).not.toMatch(/install-app-deps|electron-rebuild|@electron\/rebuild|npm rebuild/);
    }
  });
});

describe('.github/workflows/windows.yml', () => {
  const file = '.github/workflows/windows.yml';

  it('exists', () => {
    expect(fs.existsSync(path.join(ROOT, file))).toBe(true);
  });

  const workflow = parse(read(file)) as {
    on: { push?: { tags?: string[] } };
    jobs: Record<
      string,
      { 'runs-on': string; steps: { uses?: string; run?: string; with?: Record<string, unknown> }[] }
    >;
  };
  const job = Object.values(workflow.jobs)[0];
  const steps = job?.steps ?? [];
  const runs = steps.map((s) => s.run ?? '');

  it('runs on Windows with Node 22 on pushes and tags', () => {
    expect(job?.['runs-on']).toBe('windows-latest');
    expect(steps.find((s) => s.uses?.startsWith('actions/setup-node'))?.with?.['node-version']).toBe(22);
    expect(workflow.on.push?.tags?.length).toBeGreaterThan(0);
  });

  it('installs, builds, then packages both arches without publishing', () => {
    const ci = runs.findIndex((r) => r.trim() === 'npm ci');
    const build = runs.findIndex((r) => r.trim() === 'npm run build');
    const pack = runs.findIndex((r) => /electron-builder\b.*--win/.test(r));
    expect(ci).toBeGreaterThanOrEqual(0);
    expect(build).toBeGreaterThan(ci);
    expect(pack).toBeGreaterThan(build);
    expect(runs[pack]).toMatch(/--x64/);
    expect(runs[pack]).toMatch(/--ia32/);
    expect(runs[pack]).toMatch(/--publish never/);
  });

  it('uploads the installer as an artifact', () => {
    const upload = steps.find((s) => s.uses?.startsWith('actions/upload-artifact'));
    expect(upload?.with?.path).toBe('release/*.exe');
  });
});
