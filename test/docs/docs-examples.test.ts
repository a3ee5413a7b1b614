/**
 * Every ```ts code block of README.md and docs/*.md runs here, so the documentation cannot drift
 * from the engine. Runs in: vitest (driver).
 *
 * For each markdown file, its ```ts blocks are concatenated in order into one ES module (later
 * blocks may use names from earlier ones), `from 'squall'` is pointed at src/index.ts (no build
 * needed), and the module is written as a .mts file to a fresh folder under the OS temp dir. The
 * test then type-checks the module with the project's compiler options and imports it: a type
 * error, or anything the module throws, fails the test. Blocks fenced as ```sh, ```text or
 * anything else are not run.
 *
 * Conventions for examples: make them self-checking (`assert.equal(...)` or
 * `if (x !== y) throw new Error(...)`), and stop every Context they create.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';

/** The repository root: the nearest folder above this file whose package.json is squall's (works from dist/ too). */
function findRoot(start: string): string {
  let dir = start;
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'squall') return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`No squall package.json above ${start}`);
    dir = up;
  }
}

const root = findRoot(dirname(fileURLToPath(import.meta.url)));
const entry = join(root, 'src', 'index.ts').split('\\').join('/');

/** One fenced ```ts block: its code and the markdown line its first code line is on. */
interface CodeBlock {
  readonly code: string;
  readonly line: number;
}

/** The ```ts blocks of markdown file `name`, in order. */
function tsBlocks(markdown: string, name: string): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  const lines = markdown.split(/\r?\n/);
  let language: string | undefined;
  let start = 0;
  let body: string[] = [];
  lines.forEach((text, i) => {
    if (language === undefined) {
      const open = /^```\s*([\w-]*)/.exec(text);
      if (open) {
        language = (open[1] ?? '').toLowerCase();
        start = i + 2;
        body = [];
      }
      return;
    }
    if (/^```\s*$/.test(text)) {
      if (language === 'ts' || language === 'typescript') blocks.push({ code: body.join('\n'), line: start });
      language = undefined;
      return;
    }
    body.push(text);
  });
  if (language !== undefined) throw new Error(`${name}: the code fence opened on line ${start - 1} is never closed`);
  return blocks;
}

/** A generated module: its source, and for each of its lines the markdown line it came from. */
interface GeneratedModule {
  readonly source: string;
  readonly origin: ReadonlyArray<number | undefined>;
}

/**
 * Concatenates `blocks` into one module. Import declarations are hoisted to the top (named imports
 * of one module merged, so two blocks may import the same name); each is blanked in place, so the
 * other lines keep their positions and errors map back to the markdown.
 */
function buildModule(blocks: readonly CodeBlock[]): GeneratedModule {
  const named = new Map<string, Set<string>>();
  const other = new Set<string>();
  const bodyLines: string[] = [];
  const bodyOrigin: Array<number | undefined> = [];
  for (const block of blocks) {
    const file = ts.createSourceFile('block.ts', block.code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
    let code = block.code;
    const imports = file.statements.filter(ts.isImportDeclaration);
    for (const decl of [...imports].reverse()) {
      const specifier = (decl.moduleSpecifier as ts.StringLiteral).text;
      const target = specifier === 'squall' ? entry : specifier;
      const clause = decl.importClause;
      const bindings = clause?.namedBindings;
      if (clause && !clause.name && bindings && ts.isNamedImports(bindings)) {
        let set = named.get(target);
        if (!set) named.set(target, (set = new Set()));
        for (const element of bindings.elements) set.add(`${clause.isTypeOnly ? 'type ' : ''}${element.getText(file)}`);
      } else {
        const text = decl.getText(file).replace(/(['"])squall\1/, `'${entry}'`);
        other.add(text.endsWith(';') ? text : `${text};`);
      }
      const start = decl.getStart(file);
      const removed = code.slice(start, decl.getEnd());
      code = code.slice(0, start) + removed.replace(/[^\n]/g, '') + code.slice(decl.getEnd());
    }
    bodyLines.push(`// ---- block at markdown line ${block.line}`);
    bodyOrigin.push(undefined);
    code.split('\n').forEach((text, i) => {
      bodyLines.push(text);
      bodyOrigin.push(block.line + i);
    });
  }
  const header = [
    ...[...named].map(([target, names]) => `import { ${[...names].join(', ')} } from '${target}';`),
    ...other,
  ];
  const lines = [...header, ...bodyLines, 'export {};', ''];
  const origin = [...header.map(() => undefined), ...bodyOrigin, undefined, undefined];
  return { source: lines.join('\n'), origin };
}

/** The markdown files whose examples run: README.md and docs/*.md. */
function markdownFiles(): string[] {
  const docs = join(root, 'docs');
  const files = existsSync(docs)
    ? readdirSync(docs)
        .filter((name) => name.endsWith('.md'))
        .sort()
        .map((name) => join(docs, name))
    : [];
  return [join(root, 'README.md'), ...files].filter((file) => existsSync(file));
}

interface DocCase {
  readonly name: string;
  readonly blocks: readonly CodeBlock[];
  readonly module: GeneratedModule;
  readonly path: string;
}

const workDir = mkdtempSync(join(tmpdir(), 'squall-docs-'));
const cases: DocCase[] = markdownFiles().map((file, i) => {
  const name = relative(root, file).split('\\').join('/');
  const blocks = tsBlocks(readFileSync(file, 'utf8'), name);
  const module = buildModule(blocks);
  const path = join(workDir, `${String(i).padStart(2, '0')}-${name.replace(/[^\w.-]+/g, '_').replace(/\.md$/, '')}.mts`);
  writeFileSync(path, module.source);
  return { name, blocks, module, path };
});
const withCode = cases.filter((c) => c.blocks.length > 0);

let failed = false;
afterAll(() => {
  // Keep the generated modules when an example failed, so they can be read.
  if (!failed) rmSync(workDir, { recursive: true, force: true });
});

/** `file:line` in the markdown for a line of a generated module (1-based), or undefined. */
function markdownLine(c: DocCase, generatedLine: number): string | undefined {
  const line = c.module.origin[generatedLine - 1];
  return line === undefined ? undefined : `${c.name}:${line}`;
}

/** Type errors in the generated modules, by module path. */
function typeCheck(): Map<string, string[]> {
  const config = ts.readConfigFile(join(root, 'tsconfig.json'), (p) => ts.sys.readFile(p));
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
  const options: ts.CompilerOptions = {
    ...parsed.options,
    noEmit: true,
    allowImportingTsExtensions: true,
    typeRoots: [join(root, 'node_modules', '@types')],
  };
  for (const key of ['rootDir', 'outDir', 'declaration', 'sourceMap', 'composite', 'tsBuildInfoFile', 'incremental'] as const) delete options[key];
  const program = ts.createProgram(
    withCode.map((c) => c.path),
    options,
  );
  const byFile = new Map<string, string[]>();
  for (const c of withCode) {
    const source = program.getSourceFile(c.path);
    const diagnostics = source ? [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)] : [];
    byFile.set(
      c.path,
      diagnostics.map((d) => {
        const text = ts.flattenDiagnosticMessageText(d.messageText, '\n');
        if (d.file === undefined || d.start === undefined) return text;
        const { line } = d.file.getLineAndCharacterOfPosition(d.start);
        return `${markdownLine(c, line + 1) ?? `${c.name} (generated line ${line + 1})`}: ${text}`;
      }),
    );
  }
  return byFile;
}

let typeErrors: Map<string, string[]> | undefined;

describe('documentation examples', () => {
  it('finds ```ts blocks in README.md and docs/*.md', () => {
    expect(cases.map((c) => c.name)).toContain('README.md');
    expect(withCode.length).toBeGreaterThan(0);
    const total = withCode.reduce((n, c) => n + c.blocks.length, 0);
    console.log(`docs examples: ${total} ts blocks in ${withCode.length} files (${withCode.map((c) => `${c.name}: ${c.blocks.length}`).join(', ')})`);
  });

  describe.each(withCode.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    it('stops every Context it creates', () => {
      const code = c.blocks.map((b) => b.code).join('\n');
      const created = code.match(/new Context\s*\(/g)?.length ?? 0;
      const stopped = code.match(/\.stop\(\s*\)/g)?.length ?? 0;
      expect(stopped, `${c.name} creates ${created} Context(s) but calls stop() ${stopped} time(s)`).toBeGreaterThanOrEqual(created);
    });

    it('type-checks', { timeout: 120_000 }, () => {
      typeErrors ??= typeCheck();
      expect(typeErrors.get(c.path) ?? []).toEqual([]);
    });

    it('runs without throwing', { timeout: 120_000 }, async () => {
      try {
        await import(/* @vite-ignore */ c.path);
      } catch (error) {
        failed = true;
        const stack = error instanceof Error ? (error.stack ?? '') : '';
        const escaped = resolve(c.path).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        const at = new RegExp(`${escaped}:(\\d+)`).exec(stack);
        const where = at ? markdownLine(c, Number(at[1])) : undefined;
        const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        throw new Error(`${c.name}: an example threw${where ? ` at ${where}` : ''}: ${message}\n(generated module: ${c.path})`, { cause: error });
      }
    });
  });
});
