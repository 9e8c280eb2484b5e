import type { AuthenticationService } from "ts-mls";
import { nameOf, type GroupMember } from "./members.js";

/**
 * Decides whether a leaf's name may use its signature key: the SDK checks it against the key the
 * relay vouches for (and the pinned key). ts-mls's default accepts every credential, so anyone
 * holding a GroupInfo could join under any name.
 *
 * @example
 * const checkCredential: CredentialCheck = ({ name, signatureKey }) => sameKey(vouchedKeys.get(name), signatureKey);
 */
export type CredentialCheck = (member: Pick<GroupMember, "name" | "signatureKey">) => boolean | Promise<boolean>;

/**
 * A ts-mls AuthenticationService over a {@link CredentialCheck}; `onReject` hears each refusal,
 * so a failed operation can say why.
 */
export function authenticationService(check: CredentialCheck, onReject: (name: string) => void): AuthenticationService {
  return {
    async validateCredential(credential, signatureKey) {
      const name = nameOf(credential);
      const accepted = name !== undefined && (await check({ name, signatureKey }));
      if (!accepted) onReject(name ?? "(not a name)");
      return accepted;
    },
  };
}
