import { createKeyring } from '../../shared/platform/crypto/keyring.ts';
import { hmacSigner } from '../../shared/platform/crypto/hmac-chain-signer.ts';
import type { ChainSigner } from '../../shared/stages/ports/chain-signer.port.ts';
import { chainSignerOf } from '../../shared/stages/use-cases/sign-chain.ts';

/** The chain signer of the use-case tier's tests: a fixed key, as a Key Vault secret would be. */
export const testChainSigner: ChainSigner = chainSignerOf(hmacSigner(createKeyring({ 'test-sig': Buffer.alloc(32, 5).toString('base64') }, 'test-sig')));

/** Another key: what someone without the real key would sign with. */
export const foreignChainSigner: ChainSigner = chainSignerOf(hmacSigner(createKeyring({ 'test-sig': Buffer.alloc(32, 6).toString('base64') }, 'test-sig')));
