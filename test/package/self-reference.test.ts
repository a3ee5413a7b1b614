// The package as users import it: `import { Context } from 'squall'` resolves through package.json's
// exports map to the built output (npm test builds first), with type declarations beside it.
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

describe("import from 'squall'", () => {
  it('resolves the package by name to a working Context', async () => {
    const squall = await import('squall');
    const ctx = new squall.Context({ master: 'local[2]' });
    try {
      expect(await ctx.parallelize([1, 2, 3]).map((x: number) => x * 2).collect()).toEqual([2, 4, 6]);
    } finally {
      await ctx.stop();
    }
  });

  it('ships type declarations for its exports', () => {
    const url = import.meta.resolve('squall');
    expect(url.endsWith('/dist/src/index.js')).toBe(true);
    expect(existsSync(new URL('./index.d.ts', url))).toBe(true);
  });
});
