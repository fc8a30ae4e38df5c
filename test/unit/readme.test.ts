import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SETTING_DEFS, envNameOf } from '../../app/shared/settings-schema';

const readme = fs.readFileSync('README.md', 'utf8');
const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8')) as {
  dependencies: Record<string, string>;
  scripts: Record<string, string>;
};

describe('README stays true', () => {
  it('documents every POS_ environment variable', () => {
    for (const d of SETTING_DEFS) expect(readme, envNameOf(d.key)).toContain('`' + envNameOf(d.key) + '`');
    expect(readme).toContain('`POS_DATA_DIR`');
  });

  it('justifies every runtime dependency in the dependency table', () => {
    const table = readme.slice(readme.indexOf('## Dependencies'));
    const justified = table
      .split('\n')
      .filter((l) => l.startsWith('| `'))
      .flatMap((l) => [...l.split('|')[1]!.matchAll(/`([^`]+)`/g)].map((m) => m[1]));
    for (const name of Object.keys(pkg.dependencies)) expect(justified, name).toContain(name);
  });

  it('names the commands that exist', () => {
    for (const script of ['start', 'start:web', 'test', 'bench', 'cli']) {
      expect(pkg.scripts[script], script).toBeDefined();
      expect(readme).toContain(`npm ${script === 'test' || script === 'start' ? '' : 'run '}${script}`);
    }
    expect(fs.readFileSync('.ci/run', 'utf8')).toMatch(/^npm test$/m);
  });
});
