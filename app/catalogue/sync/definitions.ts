import {
  CATALOGUE_1320_NTDB_LOCAL_NAMES,
  CATALOGUE_FILE_COLUMNS,
  type CatalogueFileInfno,
} from '../../nhsa/registry/catalogue-files';
import type { CatalogueId } from '../../shared/contract';

/**
 * What the sync needs to know about each catalogue: which interface, which family (file / paged / 1901),
 * and for the file catalogues where the columns it reads sit in the TAB-separated line. Positions come from
 * the registry (catalogue-files.ts), never from literals here, so a corrected layout flows through.
 */

export type FileCatalogueId = CatalogueFileInfno;
export type PagedCatalogueId = '1304' | '1312' | '1317' | '1318' | '1319';

export interface FileCatalogueDef {
  kind: 'file';
  id: FileCatalogueId;
  name: string;
  /** the column count the registry expects; fewer is an error, more is tolerated (appended columns) */
  columns: number;
  /** 0-based positions of the columns copied into nat_items */
  at: {
    code: number;
    name: number;
    ver: number;
    tradeName?: number;
    spec?: number;
    dosform?: number;
    manufacturer?: number;
    aprvno?: number;
    otcFlag?: number;
    chrgitmLv?: number;
    pinyin?: number;
    valiFlag?: number;
    updtTime?: number;
  };
  /** every column holding a date or timestamp: checked on each row (a bad one skips the row) */
  dates: readonly { index: number; field: string }[];
}

export interface PagedCatalogueDef {
  kind: 'paged';
  id: PagedCatalogueId;
  name: string;
}

export interface DictCatalogueDef {
  kind: 'dict';
  id: '1901';
  name: string;
}

export type CatalogueDef = FileCatalogueDef | PagedCatalogueDef | DictCatalogueDef;

function positions(id: FileCatalogueId): Map<string, number> {
  if (id === '1320') {
    // The official 1320 layout is unknown (catalogue.md §2.10). Assumption, to be checked against a real file:
    // NT-DB's sixteen local names come first, in the order its query lists them, so 版本号 VER is column 15.
    return new Map(CATALOGUE_1320_NTDB_LOCAL_NAMES.map((x, i) => [x.localName, i]));
  }
  return new Map(CATALOGUE_FILE_COLUMNS[id].map((c) => [c.name, c.index]));
}

function fileDef(id: FileCatalogueId, name: string, fields: Record<string, string>): FileCatalogueDef {
  const pos = positions(id);
  const at = (field: string | undefined): number | undefined => {
    if (field === undefined) return undefined;
    const i = pos.get(field);
    if (i === undefined) throw new Error(`catalogue ${id}: no column ${field} in the registry layout`);
    return i;
  };
  const dateNames = [...pos.keys()].filter((n) => /(date|_time|begntime|endtime)$/i.test(n) || n === 'SJGXSJ');
  return {
    kind: 'file',
    id,
    name,
    columns: CATALOGUE_FILE_COLUMNS[id].length,
    at: {
      code: at(fields.code)!,
      name: at(fields.name)!,
      ver: at(fields.ver)!,
      tradeName: at(fields.tradeName),
      spec: at(fields.spec),
      dosform: at(fields.dosform),
      manufacturer: at(fields.manufacturer),
      aprvno: at(fields.aprvno),
      otcFlag: at(fields.otcFlag),
      chrgitmLv: at(fields.chrgitmLv),
      pinyin: at(fields.pinyin),
      valiFlag: at(fields.valiFlag),
      updtTime: at(fields.updtTime),
    },
    dates: dateNames.map((field) => ({ field, index: pos.get(field)! })).sort((a, b) => a.index - b.index),
  };
}

export const FILE_CATALOGUES: Readonly<Record<FileCatalogueId, FileCatalogueDef>> = {
  '1301': fileDef('1301', '西药中成药目录', {
    code: 'med_list_codg',
    name: 'drug_genname',
    ver: 'ver',
    tradeName: 'drug_prodname',
    spec: 'drug_spec',
    dosform: 'drug_dosform_name',
    manufacturer: 'prodentp_name',
    aprvno: 'aprvno',
    otcFlag: 'otc_flag',
    chrgitmLv: 'nat_hi_druglist_chrgitm_lv',
    pinyin: 'pinyin',
    valiFlag: 'vali_flag',
    updtTime: 'updt_time',
  }),
  '1302': fileDef('1302', '中药饮片目录', {
    code: 'med_list_codg',
    name: 'tcmherb_name',
    ver: 'ver',
    valiFlag: 'vali_flag',
    updtTime: 'updt_time',
  }),
  '1306': fileDef('1306', '医用耗材目录', {
    code: 'med_list_codg',
    name: 'mcs_name',
    ver: 'ver',
    spec: 'spec',
    manufacturer: 'prodentp_name',
    aprvno: 'reg_fil_no',
    valiFlag: 'vali_flag',
  }),
  '1306A': fileDef('1306A', '27位医用耗材目录', {
    code: 'med_list_codg',
    name: 'mcs_name',
    ver: 'ver',
    spec: 'spec',
    manufacturer: 'prodentp_name',
    aprvno: 'reg_fil_no',
    valiFlag: 'vali_flag',
  }),
  '1309': fileDef('1309', '门诊慢特病种目录', {
    code: 'opsp_dise_code',
    name: 'opsp_dise_name',
    ver: 'ver',
    valiFlag: 'vali_flag',
    updtTime: 'updt_time',
  }),
  '1320': fileDef('1320', '中药配方颗粒目录', {
    code: 'ZYPFKL_CODE',
    name: 'ZYPFKL_NAME',
    ver: 'VER',
    spec: 'GG',
    updtTime: 'SJGXSJ',
  }),
};

export const PAGED_CATALOGUES: Readonly<Record<PagedCatalogueId, PagedCatalogueDef>> = {
  '1304': { kind: 'paged', id: '1304', name: '民族药品目录' },
  '1312': { kind: 'paged', id: '1312', name: '医保目录信息' },
  '1317': { kind: 'paged', id: '1317', name: '医药机构目录匹配信息' },
  '1318': { kind: 'paged', id: '1318', name: '医保目录限价信息' },
  '1319': { kind: 'paged', id: '1319', name: '医保目录先自付比例信息' },
};

export const DICT_CATALOGUE: DictCatalogueDef = { kind: 'dict', id: '1901', name: '字典表' };

/** Every catalogue the sync knows, in the order a full sync runs them (the codes first, then what hangs on them). */
export const CATALOGUE_ORDER: readonly CatalogueId[] = [
  '1301',
  '1302',
  '1306',
  '1306A',
  '1309',
  '1320',
  '1304',
  '1312',
  '1318',
  '1319',
  '1317',
  '1901',
];

/**
 * What "sync everything" means: the catalogues a pharmacy must hold (catalogue.md §1.1). 1319 is optional
 * for a pharmacy but cheap and feeds the self-pay ratio, so it is included.
 */
export const DEFAULT_CATALOGUES: readonly CatalogueId[] = CATALOGUE_ORDER;

export function catalogueDef(id: CatalogueId): CatalogueDef {
  if (id === '1901') return DICT_CATALOGUE;
  if (id in FILE_CATALOGUES) return FILE_CATALOGUES[id as FileCatalogueId];
  return PAGED_CATALOGUES[id as PagedCatalogueId];
}

/**
 * The 1901 dictionaries fetched: the ones a sale and the catalogues use (settlement.md §10, catalogue.md §5).
 * A region without one of them answers an empty list, which is reported, not fatal.
 */
export const DICTIONARY_TYPES: readonly string[] = [
  'med_type',
  'insutype',
  'psn_type',
  'gend',
  'naty',
  'mdtrt_cert_type',
  'psn_cert_type',
  'chrgitm_lv',
  'list_type',
  'med_chrgitm_type',
  'vali_flag',
  'clr_type',
  'clr_way',
  'fund_pay_type',
  'otc_flag',
  'rx_flag',
];

/**
 * Paged queries ask for this many rows a page. The field is 数值型 4 (≤ 9999); no source states the center's
 * maximum (catalogue.md "open points" 5), and 1000 keeps each page's JSON around a megabyte.
 */
export const PAGE_SIZE = 1000;

/** The `ver` sent on the very first call (GZ sends "0"; every real version compares greater). */
export const INITIAL_VER = '0';

/** The `updt_time` sent on the very first paged query: earlier than any catalogue row. */
export const INITIAL_UPDT_TIME = '2000-01-01 00:00:00';

/**
 * Version order. The platform's rule is not documented (catalogue.md §1.4): versions are compared by length
 * first, then as text — for the fixed-width digit strings seen in practice that is numeric order, and it also
 * puts "10" after "9" should a center ever send unpadded numbers. The same rule is used in SQL (see merge).
 */
export function compareVer(a: string, b: string): number {
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}
