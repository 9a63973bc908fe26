import { FeatureManager, type IFeatureFlagProvider } from '@microsoft/feature-management';
import type { FlagState } from '../ports/feature-gate.port.ts';

/**
 * Evaluates one flag through `@microsoft/feature-management`, without a user context (the
 * flag is global). A flag the source does not hold is off. If any flag in the source breaks
 * the `feature_management` schema, the answer is unavailable: the source is malformed, and a
 * flag whose `id` is broken could be the one asked for.
 */
export async function evaluateFlag(provider: IFeatureFlagProvider, flag: string): Promise<FlagState> {
  try {
    await provider.getFeatureFlags(); // validates every flag, and that `feature_flags` is a list
    return (await new FeatureManager(provider).isEnabled(flag)) ? { status: 'on' } : { status: 'off' };
  } catch (error) {
    return { status: 'unavailable', reason: `feature flags are malformed: ${error instanceof Error ? error.message : String(error)}` };
  }
}
