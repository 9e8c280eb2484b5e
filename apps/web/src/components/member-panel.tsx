import type { Member } from "@pigeon/protocol";
import { sameName } from "../state/chat-state.js";
import type { Room } from "../state/room.js";
import { Avatar } from "./avatar.js";

function MemberGroup({ title, members, me }: { title: string; members: readonly Member[]; me: string }) {
  if (members.length === 0) return null;
  return (
    <section className="member-group" aria-label={`${title}, ${members.length}`}>
      <h3>
        {title} <span className="member-count">{members.length}</span>
      </h3>
      <ul>
        {members.map((member) => (
          <li key={member.name} className={member.online ? "member member-online" : "member member-offline"}>
            <Avatar name={member.name} online={member.online} />
            <span className="member-name">
              {member.name}
              {sameName(member.name, me) ? <span className="member-you"> (you)</span> : null}
            </span>
            <span className="visually-hidden">{member.online ? ", online" : ", offline"}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** Who is in the open room, online first. */
export function MemberPanel({ room, me, offline }: { room: Room; me: string; offline: boolean }) {
  const members = [...(room.members ?? [])].sort((a, b) => a.name.localeCompare(b.name));
  return (
    <aside className="members" id="members-panel" aria-label={`People in #${room.name}`}>
      <h2 className="members-heading">People in #{room.name}</h2>
      {room.members === undefined ? (
        <p className="members-empty">Waiting for the member list…</p>
      ) : (
        <>
          <MemberGroup title="Online" members={members.filter((member) => member.online)} me={me} />
          <MemberGroup title="Offline" members={members.filter((member) => !member.online)} me={me} />
          <p className="members-note">
            {offline
              ? "You are offline: this is who was online when the connection went."
              : "Offline members get what they missed when they come back."}
          </p>
        </>
      )}
    </aside>
  );
}
