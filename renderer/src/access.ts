import { CHANNELS, type ChannelName } from '../../app/shared/contract';
import { hasAnyRole, type Role } from '../../app/shared/roles';

/** The UI offers only what the service would allow: the channel table is the one source of truth. */
export function canUse(channel: ChannelName, roles: readonly Role[] | undefined): boolean {
  const access = CHANNELS[channel].access;
  if (access === 'public') return true;
  if (!roles) return false;
  if (access === 'authenticated') return true;
  return hasAnyRole(roles, access);
}
