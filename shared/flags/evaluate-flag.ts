import { FeatureManager, type IFeatureFlagProvider } from '@microsoft/feature-management';
import type { FlagState } from './feature-gate.port.ts';

/**
 * Evaluates one flag through `@microsoft/feature-management`. A flag the provider does not
 * hold is off; a malformed one (the library's schema validation throws) is unavailable.
 */
export async function evaluateFlag(provider: IFeatureFlagProvider, flag: string): Promise<FlagState> {
  try {
    return (await new FeatureManager(provider).isEnabled(flag)) ? { status: 'on' } : { status: 'off' };
  } catch (error) {
    return { status: 'unavailable', reason: `flag ${flag} is malformed: ${error instanceof Error ? error.message : String(error)}` };
  }
}
