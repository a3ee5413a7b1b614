import { it } from 'vitest';
import { Context, type ListenerEvent } from '../../src/index.js';

it('probe', async () => {
  const ctx = new Context({ localityWait: 0 });
  const ev: ListenerEvent[] = [];
  ctx.events.subscribe((e) => ev.push(e));
  const r = ctx.parallelize([1, 2, 3, 4], 2).map((x) => [x % 2, x] as [number, number]).reduceByKey((a, b) => a + b).map((kv) => kv[1]);
  console.log(r.toDebugString());
  await r.collect();
  r.cache();
  await r.count();
  console.log(r.toDebugString());
  await r.count();
  console.log(ev.map((e) => e.type === 'taskEnd' ? `${e.type} s${e.stageId} ${e.taskInfo.executorId}/${e.taskInfo.core} cache=${e.metrics.inputRecordsFromCache} ${e.taskInfo.locality}` : e.type === 'jobStart' ? `jobStart ${e.jobId} ${e.stageIds} ${e.description}` : e.type === 'jobEnd' ? `jobEnd ${e.jobId} skipped=${e.skippedStageIds}` : e.type === 'stageSubmitted' ? `stageSubmitted ${e.stageInfo.stageId}` : e.type==='blockUpdated' ? `block ${e.blockId} ${e.executorId} ${e.storageLevel}`: e.type).join('\n'));
  await ctx.stop();
});
