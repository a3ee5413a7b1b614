/**
 * Free variables of a function's source text: which outer names a function uses, found with acorn
 * (parser) and eslint-scope (scope analysis, `globalScope.through`). The closure capturer asks V8
 * for the values of exactly these names. Layer: scheduler. Runs in: driver only.
 *
 * `Function.prototype.toString` gives four shapes of source, all handled here: expressions
 * (`(x) => x * k`, `function f(x) {…}`, `async function* g() {…}`), class expressions
 * (`class P extends Base {…}`), and method shorthand (`m(x) {…}`, `async *m() {…}`, `get v() {…}`,
 * `[key](x) {…}`), which is not an expression on its own and is parsed wrapped as `({ m(x) {…} })`.
 */
import { parse } from 'acorn';
import { analyze, type Scope } from 'eslint-scope';
import type * as ESTree from 'estree';

/** How a function's source text must be wrapped to evaluate it. */
export type SourceForm = 'expression' | 'method';

/** What a function's source says about its captures. */
export interface FunctionAnalysis {
  /** `expression`: evaluate `(source)`; `method`: evaluate `({ source })` and take its only property. */
  readonly form: SourceForm;
  /** The source as it must be evaluated: `(source)` or `({source})`. */
  readonly wrapped: string;
  /** Names the function reads or writes that it does not declare (globals included), sorted. */
  readonly free: readonly string[];
  /** An arrow function (at any depth) uses `this` from outside the function: it cannot travel. */
  readonly usesLexicalThis: boolean;
  /** An arrow function uses `arguments` from outside the function: it cannot travel. */
  readonly usesLexicalArguments: boolean;
  /** A method uses `super`, whose home object cannot be rebuilt. */
  readonly usesSuper: boolean;
  /**
   * The function calls `eval(…)` directly, so it may read variables that no scope analysis can
   * see: it cannot travel.
   */
  readonly usesDirectEval: boolean;
  /** The function is an arrow function. */
  readonly isArrow: boolean;
  /** The function is a class. */
  readonly isClass: boolean;
  /**
   * For each free name used only as `name.member` (static member reads), the members used; absent
   * when the name is used in any other way. Lets a module namespace travel with only what is used.
   */
  readonly members: ReadonlyMap<string, readonly string[]>;
  /** Names of instance private elements (`#x`) declared by a class; empty for functions. */
  readonly privateNames: readonly string[];
  /**
   * Where, in the source text, V8 places the function's `[[FunctionLocation]]`: 0 for arrow
   * functions and classes without a constructor, the `(` of the parameters for functions and
   * methods, the constructor's `(` for classes. Lets a rebuilt function report the original lines.
   */
  readonly locationOffset: number;
}

const cache = new Map<string, FunctionAnalysis>();
const CACHE_LIMIT = 4096;

type AnyNode = ESTree.Node & { start?: number; end?: number };

/**
 * The free variables of a function's source text (names it uses but does not declare), sorted.
 * Cached by source text.
 *
 * @example
 * ```ts
 * freeVariables('(x) => x * k + Math.sqrt(n)') // ['Math', 'k', 'n']
 * freeVariables('m(x) { return x + offset }')  // ['offset'] (method shorthand)
 * ```
 */
export function freeVariables(source: string): string[] {
  return [...analyzeFunction(source).free];
}

/**
 * Parses a function's source text (as `Function.prototype.toString` returns it) and reports its free
 * variables, whether it uses `this`, `arguments` or `super` lexically, how to wrap it for
 * evaluation, and the members read from each free name. Cached by source text. Throws a
 * SyntaxError when the text is not a function (for example native code).
 *
 * @example
 * ```ts
 * const a = analyzeFunction('() => this.factor * 2');
 * a.usesLexicalThis // true
 * analyzeFunction('(x) => ns.scale(x) + ns.offset').members.get('ns') // ['offset', 'scale']
 * ```
 */
export function analyzeFunction(source: string): FunctionAnalysis {
  const hit = cache.get(source);
  if (hit) return hit;
  const result = analyzeUncached(source);
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(source, result);
  return result;
}

function parseProgram(text: string): ESTree.Program {
  return parse(text, { ecmaVersion: 'latest', sourceType: 'script', ranges: true }) as unknown as ESTree.Program;
}

function analyzeUncached(source: string): FunctionAnalysis {
  let form: SourceForm = 'expression';
  let wrapped = `(${source}\n)`;
  let program: ESTree.Program;
  let fnNode: ESTree.Node;
  try {
    program = parseProgram(wrapped);
    fnNode = onlyExpression(program);
    if (!isFunctionLike(fnNode)) throw new SyntaxError('not a function expression');
  } catch (first) {
    form = 'method';
    wrapped = `({${source}\n})`;
    try {
      program = parseProgram(wrapped);
    } catch {
      throw new SyntaxError(`Cannot parse the function's source text: ${(first as Error).message}. Source: ${source.length > 200 ? `${source.slice(0, 200)}…` : source}`);
    }
    const object = onlyExpression(program);
    if (object.type !== 'ObjectExpression' || object.properties.length !== 1) throw new SyntaxError(`Not a function: ${source.slice(0, 200)}`);
    fnNode = (object.properties[0] as ESTree.Property).value;
  }

  const manager = analyze(program, { ecmaVersion: 2022, sourceType: 'script' });
  const global = manager.globalScope;
  if (!global) throw new Error('eslint-scope returned no global scope');

  const parents = parentMap(program);
  const free = new Set<string>();
  const members = new Map<string, Set<string> | null>();
  for (const ref of global.through) {
    const name = ref.identifier.name;
    free.add(name);
    const parent = parents.get(ref.identifier as AnyNode);
    const member =
      parent?.type === 'MemberExpression' && parent.object === ref.identifier && !parent.computed && parent.property.type === 'Identifier' && !isAssignedTo(parent, parents)
        ? parent.property.name
        : undefined;
    const seen = members.get(name);
    if (member === undefined) members.set(name, null);
    else if (seen !== null) members.set(name, (seen ?? new Set<string>()).add(member));
  }
  const memberList = new Map<string, readonly string[]>();
  for (const [name, set] of members) if (set) memberList.set(name, [...set].sort());

  let usesLexicalThis = false;
  for (const scope of manager.scopes) if (scope.thisFound && thisEscapes(scope)) usesLexicalThis = true;

  let usesSuper = false;
  // A call of the free name `eval` is a direct eval (one of a local named eval is not free).
  const usesDirectEval = [...global.through].some((ref) => {
    const parent = parents.get(ref.identifier as AnyNode);
    return ref.identifier.name === 'eval' && parent?.type === 'CallExpression' && parent.callee === ref.identifier;
  });
  const privateNames: string[] = [];
  walk(program, (node) => {
    if (node.type === 'Super' && form === 'method') usesSuper = true;
    if ((node.type === 'PropertyDefinition' || node.type === 'MethodDefinition') && !node.static && node.key.type === 'PrivateIdentifier') {
      privateNames.push(node.key.name);
    }
  });

  const prefix = form === 'expression' ? 1 : 2;
  let locationOffset = 0;
  if (fnNode.type === 'FunctionExpression') {
    const id = (fnNode.id ?? undefined) as AnyNode | undefined;
    locationOffset = form === 'method' ? ((fnNode as AnyNode).start ?? prefix) - prefix : Math.max(0, source.indexOf('(', id?.end !== undefined ? id.end - prefix : 0));
  } else if (fnNode.type === 'ClassExpression') {
    const ctor = fnNode.body.body.find((m) => m.type === 'MethodDefinition' && m.kind === 'constructor') as ESTree.MethodDefinition | undefined;
    if (ctor) locationOffset = ((ctor.value as AnyNode).start ?? prefix) - prefix;
  }

  const result: FunctionAnalysis = {
    form,
    wrapped,
    free: [...free].filter((n) => n !== 'arguments').sort(),
    usesLexicalThis,
    usesLexicalArguments: free.has('arguments'),
    usesSuper,
    usesDirectEval,
    isArrow: fnNode.type === 'ArrowFunctionExpression',
    isClass: fnNode.type === 'ClassExpression',
    members: memberList,
    privateNames: fnNode.type === 'ClassExpression' ? privateNames : [],
    locationOffset,
  };
  return result;
}

function onlyExpression(program: ESTree.Program): ESTree.Expression {
  const statement = program.body[0];
  if (program.body.length !== 1 || statement?.type !== 'ExpressionStatement') throw new SyntaxError('not a single expression');
  return statement.expression;
}

function isFunctionLike(node: ESTree.Node): boolean {
  return node.type === 'ArrowFunctionExpression' || node.type === 'FunctionExpression' || node.type === 'ClassExpression';
}

/** `this` found in `scope` refers to something outside the analysed function. */
function thisEscapes(scope: Scope): boolean {
  for (let s: Scope | null = scope; s; s = s.upper) {
    if (s.type === 'function' && s.block.type !== 'ArrowFunctionExpression') return false;
    if (s.type === 'class-field-initializer' || s.type === 'class-static-block') return false;
    if (s.type === 'global') return true;
  }
  return true;
}

function isAssignedTo(member: ESTree.Node, parents: Map<AnyNode, ESTree.Node>): boolean {
  const parent = parents.get(member as AnyNode);
  if (!parent) return false;
  if (parent.type === 'AssignmentExpression' && parent.left === member) return true;
  if (parent.type === 'UpdateExpression' && parent.argument === member) return true;
  if (parent.type === 'UnaryExpression' && parent.operator === 'delete') return true;
  return false;
}

function children(node: ESTree.Node): ESTree.Node[] {
  const out: ESTree.Node[] = [];
  for (const key of Object.keys(node)) {
    if (key === 'type' || key === 'start' || key === 'end' || key === 'loc' || key === 'range') continue;
    const value = (node as unknown as Record<string, unknown>)[key];
    if (Array.isArray(value)) {
      for (const item of value) if (item && typeof (item as { type?: unknown }).type === 'string') out.push(item as ESTree.Node);
    } else if (value && typeof (value as { type?: unknown }).type === 'string') {
      out.push(value as ESTree.Node);
    }
  }
  return out;
}

function walk(root: ESTree.Node, visit: (node: ESTree.Node) => void): void {
  const stack: ESTree.Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop() as ESTree.Node;
    visit(node);
    for (const child of children(node)) stack.push(child);
  }
}

function parentMap(root: ESTree.Node): Map<AnyNode, ESTree.Node> {
  const parents = new Map<AnyNode, ESTree.Node>();
  walk(root, (node) => {
    for (const child of children(node)) parents.set(child as AnyNode, node);
  });
  return parents;
}

/** What `exportTable` reports: local binding name to the names it is exported under. */
export type ExportTable = ReadonlyMap<string, readonly string[]>;

/**
 * The local-to-exported name table of an ES module's source text (`export function f`,
 * `export class C`, `export const x = …`, `export { a as b }`, `export default name`). Re-exports
 * from other modules are not local and are left out. Returns an empty table when the text is not
 * an ES module.
 *
 * @example
 * ```ts
 * exportTable('export function f() {}\nconst g = 1;\nexport { g as h };') // Map { 'f' => ['f'], 'g' => ['h'] }
 * ```
 */
export function exportTable(moduleSource: string): ExportTable {
  let program: ESTree.Program;
  try {
    program = parse(moduleSource, { ecmaVersion: 'latest', sourceType: 'module', allowHashBang: true, allowAwaitOutsideFunction: true }) as unknown as ESTree.Program;
  } catch {
    return new Map();
  }
  const table = new Map<string, string[]>();
  const add = (local: string, exported: string): void => {
    const list = table.get(local) ?? [];
    list.push(exported);
    table.set(local, list);
  };
  for (const statement of program.body) {
    if (statement.type === 'ExportNamedDeclaration') {
      if (statement.source) continue;
      const declaration = statement.declaration;
      if (declaration) {
        if ((declaration.type === 'FunctionDeclaration' || declaration.type === 'ClassDeclaration') && declaration.id) add(declaration.id.name, declaration.id.name);
        if (declaration.type === 'VariableDeclaration') {
          for (const d of declaration.declarations) if (d.id.type === 'Identifier') add(d.id.name, d.id.name);
        }
      }
      for (const specifier of statement.specifiers) {
        if (specifier.type !== 'ExportSpecifier') continue;
        const local = specifier.local.type === 'Identifier' ? specifier.local.name : String(specifier.local.value);
        const exported = specifier.exported.type === 'Identifier' ? specifier.exported.name : String(specifier.exported.value);
        add(local, exported);
      }
    } else if (statement.type === 'ExportDefaultDeclaration') {
      const d = statement.declaration;
      if ((d.type === 'FunctionDeclaration' || d.type === 'ClassDeclaration') && d.id) add(d.id.name, 'default');
      else if (d.type === 'Identifier') add(d.name, 'default');
    }
  }
  return table;
}
