import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDeviceHub } from '../../app/devices/hub';
import { coreFixture } from '../support/core-fixture';
import { onCleanup } from '../support/nhsa-fixture';
import { tempDir } from '../support/tmp';

/** A serial scanner configured in the settings is opened by the hub and its codes come out as events. */

async function waitFor(cond: () => boolean, what: string, ms = 8_000): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('device hub: the serial scanner', () => {
  it('opens the configured port and hands over each code; closing releases it', async () => {
    const dir = tempDir('hub-scanner-');
    const gun = path.join(dir, 'gun');
    const port = path.join(dir, 'port');
    const socat = spawn('/usr/bin/socat', [`pty,raw,echo=0,link=${gun}`, `pty,raw,echo=0,link=${port}`], {
      stdio: 'ignore',
    });
    onCleanup(() => {
      socat.kill('SIGKILL');
    });
    await waitFor(() => fs.existsSync(gun) && fs.existsSync(port), 'socat links');

    const core = coreFixture({ POS_DEVICES_SCANNER_PORT: port });
    const hub = createDeviceHub({ settings: core.settings, log: core.log, now: core.now, training: () => true });
    const codes: string[] = [];
    const states: boolean[] = [];
    const stop = hub.watchScanner(
      (c) => codes.push(c),
      (connected) => states.push(connected),
    );
    await waitFor(() => states.includes(true), 'the scanner to connect');
    const fd = fs.openSync(gun, fs.constants.O_WRONLY | fs.constants.O_NOCTTY);
    fs.writeSync(fd, '6901234567809\r\n83711700173703755001\r\n');
    fs.closeSync(fd);
    await waitFor(() => codes.length === 2, 'two codes');
    expect(codes).toEqual(['6901234567809', '83711700173703755001']);
    stop();
    await hub.close();
  });
});
