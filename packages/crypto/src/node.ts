// The Node-only entry, `@pigeon/crypto/node`: identities kept in files. Everything else lives
// in the isomorphic main entry, which never imports node: modules.
export { FileKeyStore } from "./node/file-key-store.js";
export { IDENTITY_DIR_MODE, IDENTITY_FILE_MODE, readIdentityFile, writeIdentityFile } from "./node/identity-file.js";
export { nodeCryptoProvider } from "./node/node-crypto-provider.js";
export { FilePinStore } from "./node/file-pin-store.js";
export { isPrivateTemporary, PRIVATE_DIR_MODE, PRIVATE_FILE_MODE, readPrivateFile, temporaryPathOf, writePrivateFile } from "./node/private-file.js";
export { FileGroupStateStore } from "./node/file-group-state-store.js";
