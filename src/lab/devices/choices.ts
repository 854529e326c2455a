/** The `--device` values (no imports: the run-option schema reads this without loading jax-js). */
export const DEVICE_CHOICES = ['auto', 'wasm', 'webgpu', 'cpu'] as const;
export type DeviceChoice = (typeof DEVICE_CHOICES)[number];
/** A device the lab actually runs on. */
export type LabDevice = Exclude<DeviceChoice, 'auto'>;
