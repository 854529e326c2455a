import type { ActivationStats } from '../../lab/fn/stats.js';
import type { Entry } from '../state.js';

export interface StatsRequest {
  id: number;
  entries: Entry[];
  mu: number;
  sigma: number;
}

export interface StatsResponse {
  id: number;
  rows: ActivationStats[];
  ms: number;
  error?: string;
}
