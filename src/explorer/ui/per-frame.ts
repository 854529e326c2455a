/**
 * At most one update per displayed frame for continuous controls (slider drags, held arrow keys, wheel
 * zoom, drag pan): the first value of a frame is applied at once (so it is drawn in the very next
 * frame), later values in the same frame are coalesced into one, applied in the next animation frame.
 */
export function perFrame<T>(apply: (value: T) => void): (value: T) => void {
  let busy = false;
  let pending: { value: T } | null = null;
  const release = () => {
    if (pending === null) {
      busy = false;
      return;
    }
    const { value } = pending;
    pending = null;
    apply(value);
    requestAnimationFrame(release);
  };
  return (value: T) => {
    if (busy) {
      pending = { value };
      return;
    }
    busy = true;
    apply(value);
    requestAnimationFrame(release);
  };
}
