export { decodeBase64Url, encodeBase64Url } from "./base64url.js";
export { createIdentityKey, identityKeyFromSecretKey, publicKeyText, type IdentityKey } from "./identity-key.js";
export {
  decodeIdentity,
  encodeIdentity,
  IdentityDocument,
  InvalidIdentityError,
  type Identity,
} from "./identity-document.js";
export { loadOrCreateIdentity, MemoryKeyStore, type KeyStore } from "./key-store.js";
export { signLogin, type KeyedLogin } from "./sign-login.js";
export { CIPHER_SUITE_NAME, loadCipherSuite, type CryptoProvider, type MlsCipherSuite } from "./mls/cipher-suite.js";
export { webCryptoProvider } from "./mls/web-crypto-provider.js";
export type { CredentialCheck } from "./mls/credential-check.js";
export { GroupError, GroupErrorCode } from "./mls/errors.js";
export { MlsGroup, type GroupOptions, type PendingCommit, type Processed, type Removal } from "./mls/group.js";
export type { GroupMember } from "./mls/members.js";
export { checkPin, MemoryPinStore, type PinCheck, type PinStore } from "./key-pins.js";
export { formatSafetyNumber, safetyNumber, type SafetyNumberParty } from "./safety-number.js";
export { MemoryGroupStateStore, type GroupStateStore, type KeptMessage, type StoredGroup } from "./group-state-store.js";
