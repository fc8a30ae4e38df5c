import { AppError } from '../shared/errors';
import type { Handlers } from './dispatch';

type CatalogueChannels = 'catalogue.states' | 'catalogue.sync' | 'catalogue.runs' | 'catalogue.searchNational';

// Replaced by the catalogue sync work; until then the channels answer honestly that they are not open.
const notYet = (): never => {
  throw new AppError('NOT_FOUND', '目录同步功能尚未开通');
};

export function createCatalogueHandlers(): Pick<Handlers, CatalogueChannels> {
  return {
    'catalogue.states': notYet,
    'catalogue.sync': notYet,
    'catalogue.runs': notYet,
    'catalogue.searchNational': notYet,
  };
}
