/**
 * Free-variable analysis of function source text (scheduler/closure/free-variables.ts): every shape
 * Function.prototype.toString produces, lexical this/arguments/super, member-only uses, and the
 * export table used for by-reference shipping. Layer: test. Runs in: driver (vitest).
 */
import { describe, expect, it } from 'vitest';
import { analyzeFunction, exportTable, freeVariables } from '../../scheduler/closure/free-variables.js';

describe('freeVariables', () => {
  it.each([
    ['(x) => x * k + Math.sqrt(n)', ['Math', 'k', 'n']],
    ['function f(x) { return x + y }', ['y']],
    ['async function* g() { yield await z }', ['z']],
    ['class P extends Base { static { init() } m() { return super.m() + bar } }', ['Base', 'bar', 'init']],
    ['(x, y = base) => x + y', ['base']],
    // Declarations, block scoping, catch parameters and compound assignment are all handled.
    ['(x) => { let acc = 0; try { acc += x } catch (e) { acc = e } { let k = 1; acc += k } return acc + k + total }', ['k', 'total']],
    ['(xs) => { for (const [a, b] of xs) out.push(a + b); return out }', ['out']],
    ['function fact(n) { return n <= 1 ? 1 : n * fact(n - 1) }', []],
    ['(n) => (n <= 1 ? 1 : n * fact(n - 1))', ['fact']],
  ])('%s', (source, expected) => {
    expect(freeVariables(source)).toEqual(expected);
  });

  it.each([
    ['m(x) { return x + offset }', ['offset']],
    ['async *ag() { yield await z }', ['z']],
    ['get v() { return cache.v }', ['cache']],
    ['[Symbol.iterator]() { return KEY }', ['KEY', 'Symbol']],
  ])('method shorthand %s is wrapped as an object literal', (source, expected) => {
    const a = analyzeFunction(source);
    expect(a.form).toBe('method');
    expect(a.wrapped).toBe(`({${source}\n})`);
    expect(a.free).toEqual(expected);
  });

  it('reports lexical this, arguments and super', () => {
    expect(analyzeFunction('() => this.factor * 2').usesLexicalThis).toBe(true);
    expect(analyzeFunction('() => () => this.factor').usesLexicalThis).toBe(true);
    expect(analyzeFunction('function () { return () => this.x }').usesLexicalThis).toBe(false);
    expect(analyzeFunction('class A { f = () => this.x; static { this.y = 1 } }').usesLexicalThis).toBe(false);
    expect(analyzeFunction('() => arguments[0]').usesLexicalArguments).toBe(true);
    expect(analyzeFunction('function () { return arguments[0] }').usesLexicalArguments).toBe(false);
    expect(analyzeFunction('m() { return super.m() }').usesSuper).toBe(true);
  });

  it('lists members read from a name used only as name.member, and private names of classes', () => {
    expect(analyzeFunction('(x) => (0, ns.scale)(x) + ns.offset').members.get('ns')).toEqual(['offset', 'scale']);
    expect(analyzeFunction('(x) => { ns.y = 2; return ns.scale(x) }').members.has('ns')).toBe(false);
    expect(analyzeFunction('(x) => f(ns)').members.has('ns')).toBe(false);
    expect(analyzeFunction('class A { #a = 1; #m() {} static #s = 2 }').privateNames).toEqual(['m', 'a']);
  });

  it('refuses text that is not a function', () => {
    expect(() => analyzeFunction('function () { [native code] }')).toThrow(SyntaxError);
  });
});

describe('exportTable', () => {
  it('maps local names to exported names', () => {
    const table = exportTable('export function f() {}\nconst g = 1;\nexport { g as h };\nexport default g;\nexport class C {}\nexport const a = 1, b = () => 2;\nexport { x } from "./x.js";');
    expect(Object.fromEntries(table)).toEqual({ f: ['f'], g: ['h', 'default'], C: ['C'], a: ['a'], b: ['b'] });
  });
});
