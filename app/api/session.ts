import { randomUUID } from 'node:crypto';
import type { SessionOperator } from '../shared/contract';

/**
 * One connected UI: a desktop window (keyed by its webContents) or a browser-mode WebSocket.
 * Login state lives here, in the main process, never only in the renderer.
 */
export interface ClientSession {
  readonly id: string;
  readonly transport: 'ipc' | 'web' | 'test';
  operator: SessionOperator | null;
}

export function createSession(transport: ClientSession['transport']): ClientSession {
  return { id: randomUUID(), transport, operator: null };
}
