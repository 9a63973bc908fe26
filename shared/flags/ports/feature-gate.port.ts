/** The flag that gates every dynamic-stage mutation. */
export const DYNAMIC_STAGES_FLAG = 'FEATURE_DYNAMIC_STAGES';

/**
 * A flag's state as the gate sees it. `unavailable` covers a provider that is unreachable,
 * not yet loaded, erroring, or holding a malformed flag: callers treat it as off.
 */
export type FlagState =
  | { readonly status: 'on' }
  | { readonly status: 'off' }
  | { readonly status: 'unavailable'; readonly reason: string };

export interface FeatureGate {
  state(flag: string): Promise<FlagState>;
  /** Where flags come from, for health and start-up output (a file path or an endpoint). */
  readonly source: string;
  close(): Promise<void>;
}
