import { loadCipherSuite, type MlsCipherSuite } from "@pigeon/crypto";
import { nodeCryptoProvider } from "@pigeon/crypto/node";

/**
 * The two crypto providers an MLS client can run on: `@pigeon/crypto`'s default (WebCrypto and @noble,
 * what a browser gets) and `@pigeon/crypto`'s node:crypto provider (the CLI and Node SDK).
 */
export const PROVIDERS = ["webcrypto", "node"] as const;
export type Provider = (typeof PROVIDERS)[number];

/** How each provider is named in reports. */
export const PROVIDER_LABELS: Readonly<Record<Provider, string>> = {
  webcrypto: "default (WebCrypto, browsers)",
  node: "node:crypto (CLI, Node SDK)",
};

/**
 * Pigeon's cipher suite on `provider`.
 *
 * @example
 * const suite = await suiteFor("node");
 */
export function suiteFor(provider: Provider): Promise<MlsCipherSuite> {
  // Without a provider, @pigeon/crypto loads its webCryptoProvider (what the web client runs).
  return provider === "node" ? loadCipherSuite(nodeCryptoProvider) : loadCipherSuite();
}
