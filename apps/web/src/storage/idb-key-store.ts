import { decodeIdentity, encodeIdentity, type Identity, type KeyStore } from "@pigeon/crypto";
import { IDENTITIES } from "./database.js";
import { requestResult, transactionDone } from "./idb-request.js";

/** One stored identity: the crypto package's identity document (JSON, keys in base64url). */
interface IdentityRecord {
  profile: string;
  document: string;
  savedAt: number;
}

/**
 * A {@link KeyStore} in the browser's IndexedDB: one identity per profile (the web client
 * uses the lower-cased name). The Ed25519 secret key is kept as bytes (in the crypto
 * package's identity document) because the SDK signs with @noble/curves; scripts of this
 * origin could read it, which the relay's strict Content-Security-Policy guards against.
 *
 * @example
 * const store = new IndexedDbKeyStore(await openDatabase("pigeon", indexedDB));
 * const { key } = await loadOrCreateIdentity(store, "alice", "alice");
 */
export class IndexedDbKeyStore implements KeyStore {
  constructor(private readonly database: IDBDatabase) {}

  async load(profile: string): Promise<Identity | undefined> {
    const store = this.database.transaction(IDENTITIES, "readonly").objectStore(IDENTITIES);
    const record = (await requestResult(store.get(profile))) as IdentityRecord | undefined;
    // decodeIdentity checks the document and that its public key belongs to its secret key.
    return record === undefined ? undefined : decodeIdentity(record.document);
  }

  async save(profile: string, identity: Identity): Promise<void> {
    const transaction = this.database.transaction(IDENTITIES, "readwrite");
    const record: IdentityRecord = { profile, document: encodeIdentity(identity), savedAt: Date.now() };
    transaction.objectStore(IDENTITIES).put(record);
    await transactionDone(transaction);
  }

  /** The names of every stored identity, most recently saved first. */
  async names(): Promise<string[]> {
    const store = this.database.transaction(IDENTITIES, "readonly").objectStore(IDENTITIES);
    const records = (await requestResult(store.getAll())) as IdentityRecord[];
    return records
      .sort((a, b) => b.savedAt - a.savedAt)
      .flatMap((record) => {
        try {
          return [decodeIdentity(record.document).name];
        } catch {
          return [];
        }
      });
  }
}
