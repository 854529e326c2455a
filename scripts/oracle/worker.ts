/**
 * Worker-thread entry of the accuracy harness: loads the path once, then runs tasks sent by the
 * main thread and answers with their statistics.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadPath, type PathSpec } from './paths.js';
import { runTask, type Task } from './tasks.js';

interface Request {
  readonly id: number;
  readonly task: Task;
}

const port = parentPort;
if (port === null) throw new Error('accuracy: worker.ts must run in a worker thread');
const pathPromise = loadPath((workerData as { path: PathSpec }).path);

port.on('message', async (request: Request) => {
  try {
    const rows = await runTask(request.task, await pathPromise);
    port.postMessage({ id: request.id, rows });
  } catch (error) {
    port.postMessage({ id: request.id, error: (error as Error).stack ?? String(error) });
  }
});
