/** One parameter: a labelled slider on the catalog's range (log or integer where fitting) and a text box. */
import { useMemo, useRef, useState } from 'preact/hooks';
import { describeRange } from '../../activations/resolve.js';
import type { ParamSpec } from '../../activations/spec.js';
import { fromPosition, type SliderScale, sliderScale, toPosition } from '../catalog-view.js';
import { perFrame } from './per-frame.js';

export interface ParamControlProps {
  id: string;
  param: ParamSpec;
  value: number;
  /** Returns an error message for an invalid value, or '' once applied. */
  onChange(value: number): string;
}

export function ParamControl(props: ParamControlProps) {
  const scale: SliderScale = sliderScale(props.param);
  // The text box shows the value unless the user is typing one (draft), without a re-render per move.
  const [draft, setDraft] = useState<string | null>(null);
  const [error, setError] = useState('');
  const onChange = useRef(props.onChange);
  onChange.current = props.onChange;
  const slide = useMemo(
    () =>
      perFrame((position: number) => {
        setDraft(null);
        setError(onChange.current(fromPosition(position, scale)));
      }),
    [props.param],
  );
  const commit = (raw: string) => {
    const value = Number(raw);
    const message =
      raw.trim() === '' || Number.isNaN(value) ? `'${raw}' is not a number` : props.onChange(value);
    setError(message);
    if (message === '') setDraft(null);
  };
  const range = describeRange(props.param);
  return (
    <div class="param">
      <label for={`${props.id}-slider`}>
        {props.param.name}{' '}
        <span class="muted">{scale.kind === 'log' ? 'log' : scale.integer ? 'integer' : ''}</span>
      </label>
      <input
        id={`${props.id}-slider`}
        type="range"
        min={0}
        max={scale.steps}
        step={1}
        value={toPosition(props.value, scale)}
        aria-valuetext={String(props.value)}
        title={`${props.param.description}; valid ${range}`}
        onInput={(e) => slide(Number((e.currentTarget as HTMLInputElement).value))}
      />
      <input
        id={`${props.id}-text`}
        class="exact"
        type="text"
        inputMode="decimal"
        aria-label={`${props.param.name} exact value, valid ${range}`}
        value={draft ?? String(props.value)}
        onInput={(e) => setDraft((e.currentTarget as HTMLInputElement).value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') commit((e.currentTarget as HTMLInputElement).value);
        }}
        onBlur={(e) => commit((e.currentTarget as HTMLInputElement).value)}
      />
      {error && (
        <div class="error" role="alert">
          {error}
        </div>
      )}
    </div>
  );
}
