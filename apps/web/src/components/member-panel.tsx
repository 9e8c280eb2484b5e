import type { Member } from "@pigeon/protocol";
import { memo } from "react";
import { sameName } from "../state/chat-state.js";
import type { Room } from "../state/room.js";
import { Avatar } from "./avatar.js";
import { AlertIcon, VerifiedIcon } from "./icons.js";
import { PanelCloseButton } from "./panel-close-button.js";

/** What the panel shows of each member's key, in an encrypted room. */
export interface Trust {
  readonly verified: ReadonlySet<string>;
  /** Names whose key changed and is not accepted yet. */
  readonly changed: ReadonlySet<string>;
  /** Opens the safety number of `name`. */
  readonly onVerify: (name: string) => void;
}

function MemberGroup({ title, members, me, trust }: { title: string; members: readonly Member[]; me: string; trust: Trust | undefined }) {
  if (members.length === 0) return null;
  return (
    <section className="member-group" aria-label={`${title}, ${members.length}`}>
      <h3>
        {title} <span className="member-count">{members.length}</span>
      </h3>
      <ul>
        {members.map((member) => {
          const mine = sameName(member.name, me);
          const verified = trust?.verified.has(member.name) === true;
          const changed = trust?.changed.has(member.name) === true;
          return (
            <li key={member.name} className={member.online ? "member member-online" : "member member-offline"}>
              <Avatar name={member.name} online={member.online} />
              <span className="member-text">
                <span className="member-name" title={member.name}>
                  <bdi>{member.name}</bdi>
                  {mine ? <span className="member-you"> (you)</span> : null}
                </span>
                <span className="visually-hidden">{member.online ? ", online" : ", offline"}</span>
                {changed ? (
                  <span className="member-trust member-trust-changed">
                    <span className="visually-hidden">, </span>
                    <AlertIcon /> key changed
                  </span>
                ) : verified ? (
                  <span className="member-trust member-trust-verified">
                    <span className="visually-hidden">, </span>
                    <VerifiedIcon /> verified
                  </span>
                ) : null}
              </span>
              {trust === undefined || mine ? null : (
                <button
                  type="button"
                  className="link-button member-verify"
                  onClick={() => {
                    trust.onVerify(member.name);
                  }}
                >
                  Verify<span className="visually-hidden"> {member.name}</span>
                </button>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}

interface MemberPanelProps {
  room: Room["name"];
  members: Room["members"];
  me: string;
  offline: boolean;
  trust: Trust | undefined;
  /** Closes the panel, when it is an overlay (narrow screens). */
  onClose?: (() => void) | undefined;
}

/**
 * Who is in the open room, online first; in an encrypted room, whom the person verified, and a
 * way to. Memoised: it renders when the members change, not with every message.
 */
export const MemberPanel = memo(function MemberPanel({ room, members: unsorted, me, offline, trust, onClose }: MemberPanelProps) {
  const members = [...(unsorted ?? [])].sort((a, b) => a.name.localeCompare(b.name));
  return (
    <aside className="members" id="members-panel" aria-label={`People in #${room}`}>
      <div className="members-heading">
        <h2>People in #{room}</h2>
        {onClose === undefined ? null : <PanelCloseButton id="members-close" label="Close people" onClose={onClose} />}
      </div>
      {unsorted === undefined ? (
        <p className="members-empty">Waiting for the member list…</p>
      ) : (
        <>
          <MemberGroup title="Online" members={members.filter((member) => member.online)} me={me} trust={trust} />
          <MemberGroup title="Offline" members={members.filter((member) => !member.online)} me={me} trust={trust} />
          <p className="members-note">
            {offline
              ? "You are offline: this is who was online when the connection went."
              : "Offline members get what they missed when they come back."}
            {trust === undefined ? null : " Verify someone by comparing safety numbers with them in person or on a call."}
          </p>
        </>
      )}
    </aside>
  );
});
