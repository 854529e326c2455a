/**
 * The compile-time half of "the registry is the one list": with one activation's entry removed from
 * a backend table, the TypeScript compiler reports an error in that file naming the activation.
 * Checks a copy in memory (the files on disk are untouched) with the compiler API, type-checking
 * only the backend files (and what they import).
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Every backend: the file holding the activation's entry (a table property, or an exported
 * function) and the file where the compiler must then report it missing.
 */
const BACKENDS: { edit: string; errorIn: string }[] = [
  { edit: 'src/kernels/ops.ts', errorIn: 'src/kernels/ops.ts' },
  { edit: 'src/kernels/simd-dispatch.ts', errorIn: 'src/kernels/simd-dispatch.ts' },
  { edit: 'src/adapters/jax/rectifiers.ts', errorIn: 'src/adapters/jax/index.ts' },
  { edit: 'src/adapters/tfjs/ops.ts', errorIn: 'src/adapters/tfjs/ops.ts' },
  { edit: 'src/adapters/tfjs/shaders/rectifiers.ts', errorIn: 'src/adapters/tfjs/shaders/index.ts' },
  { edit: 'scripts/oracle/activations.ts', errorIn: 'scripts/oracle/activations.ts' },
  { edit: 'bench/naive.ts', errorIn: 'bench/naive.ts' },
  { edit: 'bench/peers.ts', errorIn: 'bench/peers.ts' },
];

/** The activation removed from every table (its key is the same in snake and camel case). */
const REMOVED = 'relu6';

/**
 * The source with every object-literal property and every top-level `const` named `key` cut out;
 * also returns how many.
 */
function withoutEntry(fileName: string, text: string, key: string): { text: string; removed: number } {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.ES2022, true);
  const cuts: [number, number][] = [];
  const visit = (node: ts.Node): void => {
    const isProperty =
      (ts.isPropertyAssignment(node) || ts.isShorthandPropertyAssignment(node)) &&
      ts.isObjectLiteralExpression(node.parent) &&
      node.name.getText(source) === key;
    const isConst =
      ts.isVariableStatement(node) &&
      node.declarationList.declarations.some((d) => d.name.getText(source) === key);
    if (isProperty || isConst) {
      let end = node.end;
      while (/\s/.test(text[end] ?? '')) end++;
      if (text[end] === ',') end++;
      cuts.push([node.getFullStart(), end]);
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  let out = text;
  for (const [start, end] of cuts.reverse()) out = out.slice(0, start) + out.slice(end);
  return { text: out, removed: cuts.length };
}

describe('typecheck names the backend that lacks an activation', () => {
  it(`every backend table without '${REMOVED}' fails to compile, naming it`, () => {
    const configPath = resolve(root, 'tsconfig.json');
    const config = ts.readConfigFile(configPath, ts.sys.readFile);
    const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
    const edited = new Map<string, string>();
    for (const { edit } of BACKENDS) {
      const path = resolve(root, edit);
      const { text, removed } = withoutEntry(path, readFileSync(path, 'utf8'), REMOVED);
      expect(removed, `${edit} has a '${REMOVED}' entry`).toBeGreaterThan(0);
      edited.set(path, text);
    }
    const host = ts.createCompilerHost(options, true);
    const readFile = host.readFile.bind(host);
    host.readFile = (name) => edited.get(resolve(name)) ?? readFile(name);
    const getSourceFile = host.getSourceFile.bind(host);
    host.getSourceFile = (name, languageVersion, onError, shouldCreate) => {
      const text = edited.get(resolve(name));
      return text !== undefined
        ? ts.createSourceFile(name, text, languageVersion, true)
        : getSourceFile(name, languageVersion, onError, shouldCreate);
    };
    const checked = BACKENDS.map(({ errorIn }) => resolve(root, errorIn));
    const program = ts.createProgram(checked, { ...options, noEmit: true }, host);
    for (const path of checked) {
      const source = program.getSourceFile(path);
      expect(source, path).toBeDefined();
      const messages = program
        .getSemanticDiagnostics(source)
        .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      expect(
        messages.some((m) => m.includes(`'${REMOVED}'`)),
        `${path}: ${messages.join(' | ') || 'no error'}`,
      ).toBe(true);
    }
  }, 180_000);
});
