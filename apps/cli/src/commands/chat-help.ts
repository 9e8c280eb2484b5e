/** The help text of the interactive chat. */
export const CHAT_HELP = `Type a line to send it to the current room. Commands:
  /join ROOM    join ROOM and make it the current room
  /leave [ROOM] leave ROOM (default: the current room)
  /rooms        list the rooms you are in (* marks the current one)
  /who          list the members of the current room and whether they are online
  /help         show this help
  /quit         leave the chat (so does end of input, e.g. Ctrl-D)`;
