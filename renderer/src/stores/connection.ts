import { create } from 'zustand';
import type { ConnectionInfo } from '../api/bridge';

export const useConnectionStore = create<ConnectionInfo>()(() => ({ state: 'connecting', attempts: 0 }));

export function setConnection(info: ConnectionInfo): void {
  useConnectionStore.setState(info);
}
