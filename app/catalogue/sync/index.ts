/** The national-catalogue synchronisation: what the rest of the app imports. */
export { createCatalogueSync, CATALOGUE_SYSTEM_OPERATOR, type CatalogueSync, type StartOptions } from './engine';
export { CATALOGUE_ORDER, DEFAULT_CATALOGUES, catalogueDef, compareVer } from './definitions';
