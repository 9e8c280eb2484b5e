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
