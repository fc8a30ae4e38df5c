import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The electron package cannot be loaded under Node (its binary is absent here and in CI tests),
 * so only the two shell entry points may import it. Everything else gets what it needs injected.
 */

const ROOT = path.resolve(__dirname, '..', '..');
const SOURCE = /\.(ts|tsx|mts|cts|js|mjs|cjs|jsx)$/;

function filesUnder(dir: string): string[] {
  const abs = path.join(ROOT, dir);
  if (!fs.existsSync(abs)) return [];
  return fs
    .readdirSync(abs, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && SOURCE.test(e.name))
    .map((e) => path.relative(ROOT, path.join(e.parentPath, e.name)))
    .filter((f) => !f.split(path.sep).includes('node_modules'));
}

interface ImportSite {
  specifier: string;
  typeOnly: boolean;
  line: number;
}

/** Every import, export-from, require() and import() in a file, read from its syntax tree. */
function importsOf(fileName: string, code: string): ImportSite[] {
  const sf = ts.createSourceFile(fileName, code, ts.ScriptTarget.Latest, true);
  const sites: ImportSite[] = [];
  const add = (node: ts.Node, spec: ts.Expression | undefined, typeOnly: boolean) => {
    if (spec && ts.isStringLiteralLike(spec)) {
      sites.push({ specifier: spec.text, typeOnly, line: sf.getLineAndCharacterOfPosition(node.getStart()).line + 1 });
    }
  };
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node)) {
      const clause = node.importClause;
      const named = clause?.namedBindings;
      const allNamedAreTypes =
        !!named &&
        ts.isNamedImports(named) &&
        named.elements.length > 0 &&
        named.elements.every((e) => e.isTypeOnly) &&
        !clause?.name;
      add(node, node.moduleSpecifier, !!clause && (clause.isTypeOnly || allNamedAreTypes));
    } else if (ts.isExportDeclaration(node)) {
      add(node, node.moduleSpecifier, node.isTypeOnly);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add(node, node.moduleReference.expression, node.isTypeOnly);
    } else if (ts.isCallExpression(node)) {
      const callee = node.expression;
      const isRequire = ts.isIdentifier(callee) && callee.text === 'require';
      if (isRequire || callee.kind === ts.SyntaxKind.ImportKeyword) add(node, node.arguments[0], false);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      add(node, node.argument.literal, true);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return sites;
}

const isElectron = (spec: string) => spec === 'electron' || spec.startsWith('electron/');

function electronImports(files: string[], { allowTypeOnly }: { allowTypeOnly: boolean }): string[] {
  const found: string[] = [];
  for (const file of files) {
    for (const site of importsOf(file, fs.readFileSync(path.join(ROOT, file), 'utf8'))) {
      if (isElectron(site.specifier) && !(allowTypeOnly && site.typeOnly)) found.push(`${file}:${site.line}`);
    }
  }
  return found;
}

describe('who may import electron', () => {
  it('the import scanner sees every form of import and tells type-only ones apart', () => {
    const q = (s: string) => `'${s}'`;
    const e = q('electron');
    const code = [
      `import { app } from ${e};`,
      `import type { WebContents } from ${e};`,
      `import { type IpcMainEvent } from ${e};`,
      `import { type IpcMainEvent as X, ipcMain } from ${e};`,
      `import * as E from ${e};`,
      `import ${e};`,
      `export { shell } from ${e};`,
      `export type { Session } from ${e};`,
      `const r = require(${e});`,
      `const d = import(${e});`,
      `type T = import(${e}).App;`,
      `import x = require(${e});`,
      `const s = "from ${e}"; // text, not an import`,
      `import b from 'electron-builder';`,
    ].join('\n');
    const sites = importsOf('sample.ts', code).filter((s) => isElectron(s.specifier));
    expect(sites.map((s) => [s.line, s.typeOnly])).toEqual([
      [1, false],
      [2, true],
      [3, true],
      [4, false],
      [5, false],
      [6, false],
      [7, false],
      [8, true],
      [9, false],
      [10, false],
      [11, true],
      [12, false],
    ]);
  });

  it('nothing under app/, renderer/ or test/ imports electron, not even for types', () => {
    const files = [...filesUnder('app'), ...filesUnder('renderer'), ...filesUnder('test')];
    expect(files.length).toBeGreaterThan(0);
    expect(electronImports(files, { allowTypeOnly: false })).toEqual([]);
  });

  it('in electron/, only main.ts and preload.ts import electron at run time', () => {
    const files = filesUnder('electron').filter((f) => !['main.ts', 'preload.ts'].includes(path.basename(f)));
    expect(files.length).toBeGreaterThan(0);
    expect(electronImports(files, { allowTypeOnly: true })).toEqual([]);
  });

  it('main.ts and preload.ts are where the shell does import it', () => {
    expect(electronImports(['electron/main.ts', 'electron/preload.ts'], { allowTypeOnly: false })).toHaveLength(2);
  });
});
