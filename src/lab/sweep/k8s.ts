/**
 * The Kubernetes executor: an Indexed Job (`completionMode: Indexed`, one completion per trial; each pod
 * runs `gatelab sweep run DIR --index $JOB_COMPLETION_INDEX` with the sweep folder on a shared volume),
 * `backoffLimitPerIndex` retries per trial, and a merge Job that waits until no trial is pending, then
 * merges. Apply with `kubectl apply -f DIR/k8s/sweep.yaml` (see the README).
 */
import { stringify } from 'yaml';
import type { SweepPlan } from './plan.js';

export interface K8sOptions {
  image: string;
  parallelism?: number;
  /** A PersistentVolumeClaim holding the sweep folder (ReadWriteMany for parallelism > 1). */
  pvc: string;
  /** Where the volume is mounted in the pods. */
  mountPath: string;
  /** The sweep folder's path inside the volume. */
  folderInVolume: string;
  /** Retries of one trial (pod failures) before Kubernetes gives that index up. */
  retries: number;
  cpu: string;
  memory: string;
  /** The command that runs gatelab in the image. */
  command: string[];
}

/** A Kubernetes name from a sweep name: lower case, '-' for the rest, at most 52 characters. */
export function k8sName(name: string): string {
  const base = name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return `gatelab-${base}`.slice(0, 52).replace(/-+$/, '');
}

/** The two Job manifests as one multi-document YAML text. */
export function k8sManifest(plan: SweepPlan, o: K8sOptions): string {
  if (!o.image?.trim()) throw new Error('--image is required: the container image with gatelab installed');
  if (!o.pvc?.trim())
    throw new Error('--pvc is required: a PersistentVolumeClaim that holds the sweep folder');
  const parallelism = o.parallelism ?? Math.min(plan.trials.length, 8);
  if (!(Number.isInteger(parallelism) && parallelism >= 1)) {
    throw new RangeError(`--parallelism must be a positive integer, got ${parallelism}`);
  }
  const name = k8sName(plan.name);
  const dir = `${o.mountPath.replace(/\/+$/, '')}/${o.folderInVolume.replace(/^\/+/, '')}`;
  const gatelab = o.command.map((w) => `'${w.replace(/'/g, `'\\''`)}'`).join(' ');
  const volume = { name: 'sweep', persistentVolumeClaim: { claimName: o.pvc } };
  const mount = { name: 'sweep', mountPath: o.mountPath };
  const resources = { requests: { cpu: o.cpu, memory: o.memory }, limits: { memory: o.memory } };
  const labels = { 'app.kubernetes.io/name': 'gatelab', 'gatelab/sweep': name };
  const trials = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, labels },
    spec: {
      completionMode: 'Indexed',
      completions: plan.trials.length,
      parallelism,
      backoffLimitPerIndex: o.retries,
      maxFailedIndexes: plan.trials.length,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: 'Never',
          containers: [
            {
              name: 'trial',
              image: o.image,
              // JOB_COMPLETION_INDEX is set by Kubernetes in every pod of an Indexed Job.
              command: ['sh', '-c', `exec ${gatelab} sweep run '${dir}' --index "$JOB_COMPLETION_INDEX"`],
              resources,
              volumeMounts: [mount],
            },
          ],
          volumes: [volume],
        },
      },
    },
  };
  const merge = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: `${name}-merge`, labels },
    spec: {
      backoffLimit: 2,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: 'Never',
          containers: [
            {
              name: 'merge',
              image: o.image,
              command: ['sh', '-c', `exec ${gatelab} sweep merge '${dir}' --wait`],
              resources,
              volumeMounts: [mount],
            },
          ],
          volumes: [volume],
        },
      },
    },
  };
  return `# gatelab sweep ${plan.name}: ${plan.trials.length} trials as a Kubernetes Indexed Job, then a merge Job.\n${stringify(trials)}---\n${stringify(merge)}`;
}
