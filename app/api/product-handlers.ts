import { AppError } from '../shared/errors';
import type { Handlers } from './dispatch';

type ProductChannels =
  | 'products.search'
  | 'products.list'
  | 'products.get'
  | 'products.save'
  | 'products.import'
  | 'mapping.candidates'
  | 'mapping.confirm'
  | 'mapping.upload'
  | 'mapping.revoke';

// Replaced by the product master work; until then the channels answer honestly that they are not open.
const notYet = (): never => {
  throw new AppError('NOT_FOUND', '商品档案功能尚未开通');
};

export function createProductHandlers(): Pick<Handlers, ProductChannels> {
  return {
    'products.search': notYet,
    'products.list': notYet,
    'products.get': notYet,
    'products.save': notYet,
    'products.import': notYet,
    'mapping.candidates': notYet,
    'mapping.confirm': notYet,
    'mapping.upload': notYet,
    'mapping.revoke': notYet,
  };
}
