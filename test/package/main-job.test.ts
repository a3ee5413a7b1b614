// The README's first command runs the main job; this runs the same job in-process and checks the
// story it tells: nothing runs at definition, the plan prints, the shuffle output and the cache are reused.
import { describe, expect, it } from 'vitest';
import { runLazyEvaluationDemo } from '../../src/main.js';

describe('the main job (npm start)', () => {
  it('shows laziness, the plan, skipped stages and cache reads, and ends with empty bookkeeping', async () => {
    const lines: string[] = [];
    await runLazyEvaluationDemo((line) => lines.push(line));
    const text = lines.join('\n');
    expect(text).toContain('jobs run so far: 0');
    expect(text).toMatch(/\(2\) ShuffledRDD\[\d+\] at sortByKey at main\.ts:\d+ \[\]/);
    expect(text).toContain('result: the=4, lazy=3');
    expect(text).toMatch(/skipped stages \(shuffle output reused\): \d+/);
    expect(text).toContain('total words: 30; records read from the cache: 20');
    expect(text).toMatch(/"activeJobs":0.*"runningTasks":0/);
  });
});
