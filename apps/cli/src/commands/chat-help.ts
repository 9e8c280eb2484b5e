/** The help text of the interactive chat. */
export const CHAT_HELP = `Type a line to send it to the current room. Commands:
  /join ROOM    join ROOM and make it the current room (end-to-end encrypted
                if new; /join --plain ROOM for a plain room the server can read)
  /leave [ROOM] leave ROOM (default: the current room)
  /rooms        list the rooms you are in (* marks the current one)
  /who          list the members of the current room and whether they are online,
                and who is in its encrypted group
  /verify NAME  show the safety number of you and NAME, to compare with theirs
  /trust NAME   accept NAME's changed key (after checking it with /verify)
  /help         show this help
  /quit         leave the chat (so does end of input, e.g. Ctrl-D)`;
