import { bootCore } from '../boot';
import type { PosCore } from '../boot-types';
import { APP_VERSION } from '../version';
import { startWebBridge } from './server';

export interface StartWebAppOptions {
  dataDir: string;
  staticDir: string;
  /** overrides the system.web_port setting; 0 = random */
  port?: number;
  env?: NodeJS.ProcessEnv;
  token?: string;
  scheduleBackups?: boolean;
}

export interface WebApp {
  url: string;
  port: number;
  token: string;
  core: PosCore;
  close(): Promise<void>;
}

/** Boots the core and serves it with the built renderer on 127.0.0.1. */
export async function startWebApp(opts: StartWebAppOptions): Promise<WebApp> {
  const core = await bootCore({
    dataDir: opts.dataDir,
    shell: 'browser',
    version: APP_VERSION,
    env: opts.env ?? process.env,
    scheduleBackups: opts.scheduleBackups ?? false,
  });
  try {
    const bridge = await startWebBridge({
      core,
      staticDir: opts.staticDir,
      port: opts.port ?? core.webPort(),
      token: opts.token,
    });
    return {
      url: bridge.url,
      port: bridge.port,
      token: bridge.token,
      core,
      async close() {
        await bridge.close();
        await core.close();
      },
    };
  } catch (e) {
    core.log.error('browser mode could not listen', { port: opts.port ?? core.webPort(), error: e });
    await core.close();
    throw e;
  }
}
