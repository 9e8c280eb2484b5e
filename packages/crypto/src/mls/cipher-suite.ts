import { getCiphersuiteFromName, getCiphersuiteImpl, type CiphersuiteImpl, type CryptoProvider } from "ts-mls";
import { webCryptoProvider } from "./web-crypto-provider.js";

/**
 * Where ts-mls gets its primitives (hashes, AEAD, signatures, HPKE): pass one to
 * {@link loadCipherSuite}.
 *
 * @example
 * const provider: CryptoProvider = nodeCryptoProvider;
 */
export type { CryptoProvider };

/**
 * The one MLS cipher suite Pigeon rooms use: X25519, AES-128-GCM, SHA-256 and Ed25519 (the
 * identity key's algorithm), the suite every MLS implementation must support.
 *
 * @example
 * groupInfo.groupContext.cipherSuite === CIPHER_SUITE_NAME
 */
export const CIPHER_SUITE_NAME = "MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519";

/**
 * The cipher suite's primitives, as ts-mls calls them. Load it once and share it between groups.
 *
 * @example
 * const suite: MlsCipherSuite = await loadCipherSuite();
 */
export type MlsCipherSuite = CiphersuiteImpl;

/**
 * Loads {@link CIPHER_SUITE_NAME} from `provider`: by default {@link webCryptoProvider} (WebCrypto
 * and @noble, for browsers); on Node, pass `nodeCryptoProvider` from `@pigeon/crypto/node`,
 * several times faster.
 *
 * @example
 * const suite = await loadCipherSuite(nodeCryptoProvider);
 */
export function loadCipherSuite(provider: CryptoProvider = webCryptoProvider): Promise<MlsCipherSuite> {
  return getCiphersuiteImpl(getCiphersuiteFromName(CIPHER_SUITE_NAME), provider);
}
