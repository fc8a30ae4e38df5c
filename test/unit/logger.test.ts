import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFileLogger, createMemoryLogger } from '../../app/core/logger';
import { tempDir } from '../support/tmp';

describe('logger', () => {
  it('writes masked JSON lines', () => {
    const dir = tempDir();
    const log = createFileLogger({ dir });
    log.info('person read 110101199001011234', { psn_name: '张三', token: 'abc', count: 2 });
    log.close();
    const lines = fs.readFileSync(path.join(dir, 'pos.log'), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(1);
    const rec = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(rec).toMatchObject({
      level: 'info',
      msg: 'person read 110101********1234',
      psn_name: '张*',
      token: '[已隐藏]',
      count: 2,
    });
    expect(typeof rec.time).toBe('string');
    expect(fs.readFileSync(path.join(dir, 'pos.log'), 'utf8')).not.toContain('张三');
  });

  it('rotates by size and keeps a bounded number of files', () => {
    const dir = tempDir();
    const log = createFileLogger({ dir, maxBytes: 400, maxFiles: 3 });
    for (let i = 0; i < 60; i++) log.info('line', { i, pad: 'x'.repeat(50) });
    log.close();
    const files = fs.readdirSync(dir).sort();
    expect(files).toEqual(['pos.1.log', 'pos.2.log', 'pos.3.log', 'pos.log']);
    for (const f of files) expect(fs.statSync(path.join(dir, f)).size).toBeLessThanOrEqual(400);
    const last = fs.readFileSync(path.join(dir, 'pos.log'), 'utf8').trim().split('\n').pop()!;
    expect(JSON.parse(last)).toMatchObject({ i: 59 });
  });

  it('respects the level and child bindings', () => {
    const log = createMemoryLogger('info');
    log.debug('hidden');
    log.child({ component: 'x' }).warn('shown', { certno: '110101199001011234' });
    expect(log.records).toHaveLength(1);
    expect(log.records[0]).toMatchObject({ component: 'x', msg: 'shown', certno: '110101********1234' });
    log.setLevel('debug');
    log.debug('now shown');
    expect(log.records).toHaveLength(2);
  });
});
