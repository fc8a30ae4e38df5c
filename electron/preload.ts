import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { IPC_EVENT_CHANNEL } from '../app/shared/contract';
import { buildPosApi } from './pos-api';

// Sandboxed preload: bundled into one file by scripts/build-shell.mjs, which replaces the contract
// with its plain constants so zod stays out. Only `window.pos` crosses into the page; the
// IpcRendererEvent (and with it `sender`) never does.
const api = buildPosApi(
  (ipcChannel, ...args) => ipcRenderer.invoke(ipcChannel, ...args),
  (listener) => {
    const forward = (_event: IpcRendererEvent, name: unknown, data: unknown) => listener(name, data);
    ipcRenderer.on(IPC_EVENT_CHANNEL, forward);
    return () => ipcRenderer.removeListener(IPC_EVENT_CHANNEL, forward);
  },
);

contextBridge.exposeInMainWorld('pos', api);
