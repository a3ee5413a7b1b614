/**
 * The main job of `npm start`: a short, printed tour of lazy evaluation on the engine. (The fish
 * analysis replaces it once Thunder and clustering exist.) Layer: facade. Runs in: driver.
 */
import type { ListenerEvent } from './events/listener-events.js';
import { Context } from './index.js';

/**
 * Runs the demo and returns the lines it printed.
 *
 * @example
 * ```ts
 * const lines = await runLazyEvaluationDemo(); // also printed to stdout
 * ```
 */
export async function runLazyEvaluationDemo(print: (line: string) => void = console.log): Promise<string[]> {
  const out: string[] = [];
  const say = (line = ''): void => {
    out.push(line);
    print(line);
  };
  const ctx = new Context({ master: 'local-cluster[2,6]', appName: 'lazy-evaluation-demo' });
  const events: ListenerEvent[] = [];
  const subscription = ctx.events.subscribe((e) => events.push(e));
  try {
    say(`squall: ${ctx.master}, ${ctx.executors().length} executors x ${ctx.cluster.coresPerExecutor} cores, backend ${ctx.backendName}`);
    say('');
    say('1. Define a lineage: words -> pairs -> counts (a shuffle) -> sorted (another shuffle).');
    const text = [
      'the quick brown fox jumps over the lazy dog',
      'the lazy dog sleeps while the quick fox runs',
      'a lazy evaluation runs only when an action asks for a result',
    ];
    const lines = ctx.parallelize(text, 3);
    const counts = lines
      .flatMap((line) => line.split(' '))
      .map((word) => [word, 1] as [string, number])
      .reduceByKey((a, b) => a + b, 4);
    const sorted = counts.map(([w, c]) => [c, w] as [number, string]).sortByKey(false, 2);
    say(`   jobs run so far: ${events.filter((e) => e.type === 'jobStart').length} (transformations only build the plan)`);
    say('');
    say('2. The plan, as Spark prints it (toDebugString):');
    for (const line of sorted.toDebugString().split('\n')) say(`   ${line}`);
    say('');
    say('3. Run an action: take(5).');
    const top = await sorted.take(5);
    say(`   result: ${top.map(([c, w]) => `${w}=${c}`).join(', ')}`);
    const summarise = (from: number): void => {
      const slice = events.slice(from);
      for (const e of slice) {
        if (e.type === 'jobStart') say(`   job ${e.jobId} (${e.description}): stages [${e.stageIds.join(', ')}]`);
        if (e.type === 'stageCompleted') {
          const tasks = slice.filter((t) => t.type === 'taskEnd' && t.stageId === e.stageInfo.stageId);
          const perExecutor = new Map<string, number>();
          for (const t of tasks) if (t.type === 'taskEnd') perExecutor.set(t.taskInfo.executorId, (perExecutor.get(t.taskInfo.executorId) ?? 0) + 1);
          const spread = [...perExecutor].map(([id, n]) => `executor ${id}: ${n}`).join(', ');
          say(`     stage ${e.stageInfo.stageId} (${e.stageInfo.kind}, ${e.stageInfo.name}): ${tasks.length} tasks [${spread}]`);
        }
        if (e.type === 'jobEnd' && e.skippedStageIds.length > 0) say(`     skipped stages (shuffle output reused): ${e.skippedStageIds.join(', ')}`);
      }
    };
    summarise(0);
    say('');
    say('4. Cache the counts and run two more actions: the second reads the cache.');
    counts.cache();
    let mark = events.length;
    const distinctWords = await counts.count();
    say(`   distinct words: ${distinctWords}`);
    summarise(mark);
    mark = events.length;
    const total = await counts.map(([, c]) => c).sum();
    const fromCache = events
      .slice(mark)
      .reduce((n, e) => n + (e.type === 'taskEnd' ? e.metrics.inputRecordsFromCache : 0), 0);
    say(`   total words: ${total}; records read from the cache: ${fromCache}`);
    summarise(mark);
    say('');
    say(`Scheduler bookkeeping after the jobs: ${JSON.stringify(ctx.bookkeeping())}`);
  } finally {
    subscription.unsubscribe();
    await ctx.stop();
  }
  return out;
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/').split('/').slice(-3).join('/'));
if (invokedDirectly) {
  runLazyEvaluationDemo().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
