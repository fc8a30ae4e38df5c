import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { zipSync } from 'fflate';
import {
  eolOf,
  GENERATOR_VERSION,
  planVersions,
  sizeOf,
  versionLines,
  type FileInfno,
  type VersionPlan,
} from './generate';

/**
 * The generated base catalogues on disk, next to the sandbox database: per catalogue one .tsv (every base
 * version's lines, in order), an index (.json: versions with their byte ranges) and the codes (.codes). A
 * directory per (generator version, scale, file row cap), so a test suite generates each size once and later
 * runs only read. Writes go to a temporary name and are renamed into place, so two processes generating at
 * the same time (parallel test files) never see half a file.
 *
 * Built zips (one per range of versions a 13xx answer names) are cached the same way.
 */

export interface BaseVersion {
  ver: string;
  verName: string;
  /** lines (rows) in this version */
  lines: number;
  /** byte range in the .tsv */
  start: number;
  end: number;
  /** publication day (ISO) */
  day: string;
}

export interface BaseIndex {
  generator: number;
  infno: FileInfno;
  scale: number;
  cap: number;
  versions: BaseVersion[];
  /** distinct codes across all base versions */
  codes: number;
}

function writeAtomic(file: string, data: string | Uint8Array): void {
  const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}

export class CatalogueCache {
  readonly dir: string;
  private readonly indexes = new Map<FileInfno, BaseIndex>();

  constructor(
    cacheRoot: string,
    readonly scale: number,
    readonly cap: number,
  ) {
    this.dir = path.join(cacheRoot, 'sandbox-catalogues', `g${GENERATOR_VERSION}-s${scale}-c${cap}`);
  }

  private file(infno: FileInfno, ext: string): string {
    return path.join(this.dir, `${infno}.${ext}`);
  }

  /** The base versions of a catalogue, generating them first when the cache does not hold them. */
  index(infno: FileInfno): BaseIndex {
    const known = this.indexes.get(infno);
    if (known) return known;
    let index: BaseIndex | null = null;
    try {
      const parsed = JSON.parse(fs.readFileSync(this.file(infno, 'json'), 'utf8')) as BaseIndex;
      if (parsed.generator === GENERATOR_VERSION && fs.existsSync(this.file(infno, 'tsv'))) index = parsed;
    } catch {
      index = null;
    }
    index ??= this.generate(infno);
    this.indexes.set(infno, index);
    return index;
  }

  private generate(infno: FileInfno): BaseIndex {
    fs.mkdirSync(this.dir, { recursive: true });
    const plans: VersionPlan[] = planVersions(infno, sizeOf(infno, this.scale), this.cap);
    const eol = eolOf(infno);
    const tsvTmp = `${this.file(infno, 'tsv')}.${process.pid}.tmp`;
    const fd = fs.openSync(tsvTmp, 'w');
    const versions: BaseVersion[] = [];
    const codes: string[] = [];
    const revisions = new Map<number, number>();
    let at = 0;
    try {
      plans.forEach((v, i) => {
        const { lines, codes: newCodes } = versionLines(infno, v, revisions, i === 0);
        const bytes = Buffer.from(lines.join(eol) + eol, 'utf8');
        fs.writeSync(fd, bytes);
        versions.push({
          ver: v.ver,
          verName: v.verName,
          lines: lines.length,
          start: at,
          end: at + bytes.length,
          day: v.day.toISOString(),
        });
        at += bytes.length;
        for (const c of newCodes) codes.push(c);
      });
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tsvTmp, this.file(infno, 'tsv'));
    writeAtomic(this.file(infno, 'codes'), codes.join('\n'));
    const index: BaseIndex = {
      generator: GENERATOR_VERSION,
      infno,
      scale: this.scale,
      cap: this.cap,
      versions,
      codes: codes.length,
    };
    writeAtomic(this.file(infno, 'json'), JSON.stringify(index));
    return index;
  }

  /** The base codes of a catalogue, in the order they were first issued. */
  codes(infno: FileInfno): string[] {
    this.index(infno);
    return fs.readFileSync(this.file(infno, 'codes'), 'utf8').split('\n').filter(Boolean);
  }

  /** The bytes of base versions [from, to] (indexes into index().versions), as they sit in the .tsv. */
  text(infno: FileInfno, from: number, to: number): Buffer {
    const ix = this.index(infno);
    const start = ix.versions[from]!.start;
    const end = ix.versions[to]!.end;
    const buf = Buffer.alloc(end - start);
    const fd = fs.openSync(this.file(infno, 'tsv'), 'r');
    try {
      let read = 0;
      while (read < buf.length) read += fs.readSync(fd, buf, read, buf.length - read, start + read);
    } finally {
      fs.closeSync(fd);
    }
    return buf;
  }

  /** A zip of base versions [from, to], built once and then read from disk. */
  zip(infno: FileInfno, from: number, to: number, entryName: string, mtime: Date): Uint8Array {
    const file = path.join(this.dir, 'zips', `${infno}-${from}-${to}.zip`);
    if (fs.existsSync(file)) return fs.readFileSync(file);
    const zip = zipText(this.text(infno, from, to), entryName, mtime);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    writeAtomic(file, zip);
    return zip;
  }
}

/** One .txt in a zip, deflated like the platform's files. */
export function zipText(text: Uint8Array, entryName: string, mtime: Date): Uint8Array {
  return zipSync({ [entryName]: [text, { level: 6, mtime }] });
}
