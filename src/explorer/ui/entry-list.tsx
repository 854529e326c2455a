/**
 * The chosen activations: add by name or alias (optionally name:param=value), remove, duplicate (the
 * same activation twice with different parameters), and a ParamControl per parameter.
 */
import { useState } from 'preact/hooks';
import { activationNames, getSpec, resolveParams } from '../../activations/resolve.js';
import { PALETTE } from '../../lab/report/figures.js';
import { type Entry, entryLabel, parseEntry } from '../state.js';
import { ParamControl } from './param-control.js';

export function entryColor(index: number): string {
  return PALETTE[index % PALETTE.length];
}

export interface EntryListProps {
  idPrefix: string;
  entries: readonly Entry[];
  onChange(entries: Entry[]): void;
  /** Show parameter sliders (curves panel) or only the names (training). */
  withParams: boolean;
}

export function EntryList(props: EntryListProps) {
  const [adding, setAdding] = useState('');
  const [error, setError] = useState('');
  const set = (index: number, entry: Entry | null) => {
    const next = [...props.entries];
    if (entry === null) next.splice(index, 1);
    else next[index] = entry;
    props.onChange(next);
  };
  const add = () => {
    try {
      const entry = parseEntry(adding);
      props.onChange([...props.entries, entry]);
      setAdding('');
      setError('');
    } catch (e) {
      setError((e as Error).message.replace(/^gatelab: /, ''));
    }
  };
  const listId = `${props.idPrefix}-names`;
  return (
    <div class="entries">
      <ul class="entry-list">
        {props.entries.map((entry, i) => {
          const spec = getSpec(entry.name);
          const resolved = resolveParams(spec, entry.params);
          return (
            <li key={`${i}-${entry.name}`} class="entry" data-entry={i}>
              <div class="entry-head">
                <span class="swatch" style={{ background: entryColor(i) }} aria-hidden="true" />
                <span class="entry-label" title={spec.formula}>
                  {entryLabel(entry)}
                </span>
                <button
                  type="button"
                  aria-label={`Duplicate ${entryLabel(entry)}`}
                  onClick={() =>
                    props.onChange([
                      ...props.entries.slice(0, i + 1),
                      { name: entry.name, params: { ...entry.params } },
                      ...props.entries.slice(i + 1),
                    ])
                  }
                >
                  copy
                </button>
                <button type="button" aria-label={`Remove ${entryLabel(entry)}`} onClick={() => set(i, null)}>
                  ✕
                </button>
              </div>
              {props.withParams &&
                spec.params.map((param) => (
                  <ParamControl
                    key={param.name}
                    id={`${props.idPrefix}-${i}-${param.name}`}
                    param={param}
                    value={resolved[param.name]}
                    onChange={(value) => {
                      const params = { ...entry.params, [param.name]: value };
                      try {
                        resolveParams(spec, params);
                      } catch (e) {
                        return (e as Error).message.replace(/^gatelab: /, '');
                      }
                      if (value === param.default) delete params[param.name];
                      set(i, { name: entry.name, params });
                      return '';
                    }}
                  />
                ))}
            </li>
          );
        })}
      </ul>
      <div class="add-entry">
        <label for={`${props.idPrefix}-add`}>Add activation</label>
        <input
          id={`${props.idPrefix}-add`}
          list={listId}
          value={adding}
          placeholder="name or alias, e.g. golu:gamma=2"
          onInput={(e) => setAdding((e.currentTarget as HTMLInputElement).value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') add();
          }}
        />
        <datalist id={listId}>
          {activationNames().map((name) => (
            <option key={name} value={name} />
          ))}
        </datalist>
        <button type="button" onClick={add}>
          Add
        </button>
        {error && (
          <div class="error" role="alert">
            {error}
          </div>
        )}
      </div>
    </div>
  );
}
