// Measures MLS costs with the Node provider: a newcomer's external join at 10 and 100 members,
// a member processing a join at 100, and application messages per second in a group of 100.
// Prints figures only (no keys, no plaintext). Run: pnpm --filter @pigeon/crypto measure
import { performance } from "node:perf_hooks";
import { defaultCryptoProvider } from "ts-mls";
import { createIdentityKey } from "../src/identity-key.js";
import { loadCipherSuite, type MlsCipherSuite } from "../src/mls/cipher-suite.js";
import { MlsGroup, type GroupOptions } from "../src/mls/group.js";
import { nodeCryptoProvider } from "../src/node/node-crypto-provider.js";

const MESSAGES = 2000;

async function measure(label: string, suite: MlsCipherSuite): Promise<void> {
  const options = (name: string): GroupOptions => ({ suite, identity: { name, key: createIdentityKey() }, checkCredential: () => true });
  const { group: creator, groupInfo: first } = await MlsGroup.create(new TextEncoder().encode("measure"), options("member0"));
  let groupInfo = first;
  const observer = await MlsGroup.joinExternal(groupInfo, options("member1"));
  groupInfo = observer.groupInfo;
  await creator.process(observer.commit);
  const joinAt = async (index: number) => {
    const started = performance.now();
    const join = await MlsGroup.joinExternal(groupInfo, options(`member${index}`));
    const joinMs = performance.now() - started;
    groupInfo = join.groupInfo;
    const processStarted = performance.now();
    await observer.group.process(join.commit);
    const processMs = performance.now() - processStarted;
    await creator.process(join.commit);
    return { joinMs, processMs, groupInfoBytes: join.groupInfo.length, commitBytes: join.commit.length };
  };
  const rows: string[] = [];
  for (let index = 2; index < 100; index += 1) {
    const result = await joinAt(index);
    if (index === 10 || index === 99) {
      rows.push(
        `  join of member ${index + 1}: newcomer ${result.joinMs.toFixed(0)} ms, a member processes it ${result.processMs.toFixed(0)} ms, ` +
          `GroupInfo ${result.groupInfoBytes} B, commit ${result.commitBytes} B`,
      );
    }
  }
  const ciphertexts: Uint8Array[] = [];
  const plaintext = new TextEncoder().encode("a message of about forty bytes, padded.");
  const encryptStarted = performance.now();
  for (let index = 0; index < MESSAGES; index += 1) ciphertexts.push(await creator.encrypt(plaintext));
  const encryptSeconds = (performance.now() - encryptStarted) / 1000;
  const decryptStarted = performance.now();
  for (const ciphertext of ciphertexts) await observer.group.process(ciphertext);
  const decryptSeconds = (performance.now() - decryptStarted) / 1000;
  console.log(`${label} (${creator.members.length} members):`);
  for (const row of rows) console.log(row);
  console.log(`  encrypt ${(MESSAGES / encryptSeconds).toFixed(0)}/s, decrypt ${(MESSAGES / decryptSeconds).toFixed(0)}/s, ${ciphertexts[0]?.length ?? 0} B on the wire`);
}

await measure("node:crypto provider", await loadCipherSuite(nodeCryptoProvider));
await measure("default provider (WebCrypto)", await loadCipherSuite(defaultCryptoProvider));
