import type { CallMeta, ChannelInput, ChannelName, ChannelOutput, PosEventName, PosEvents } from './contract';
import type { PosResult } from './errors';

/**
 * The shape of `window.pos`: one method per channel, grouped by the part before the dot
 * (`pos.auth.login(...)`), plus subscribe/unsubscribe for events. Methods never reject for a
 * business error; they resolve to a PosResult.
 */
type GroupOf<C extends string> = C extends `${infer G}.${string}` ? G : never;
type ActionOf<C extends string, G extends string> = C extends `${G}.${infer A}` ? A : never;

export type PosApi = {
  [G in GroupOf<ChannelName>]: {
    [A in ActionOf<ChannelName, G>]: `${G}.${A}` extends infer C extends ChannelName
      ? (input: ChannelInput<C>, meta?: CallMeta) => Promise<PosResult<ChannelOutput<C>>>
      : never;
  };
} & {
  subscribe<E extends PosEventName>(event: E, listener: (data: PosEvents[E]) => void): () => void;
};

export function splitChannel(name: string): [string, string] {
  const i = name.indexOf('.');
  return [name.slice(0, i), name.slice(i + 1)];
}
