/** Optimizers, learning-rate schedules and gradient clipping for the lab. */
export { type AdamWOptions, adamw } from './adamw.js';
export { clipByGlobalNorm, globalNorm } from './clip.js';
export { makeSchedule, parseSchedule, type Schedule, type ScheduleSpec } from './schedule.js';
export { type SgdOptions, sgd } from './sgd.js';
export { countEntries, leaves, unflattenLike, zerosLike } from './tree.js';
export { decays, type Optimizer } from './types.js';
