import type { ComponentProps } from "react";

type NameInputProps = Omit<ComponentProps<"input">, "value" | "onChange" | "autoCapitalize" | "spellCheck" | "maxLength"> & {
  value: string;
  onValueChange: (value: string) => void;
  /** The protocol's limit for this kind of name. */
  maxLength: number;
};

/**
 * A text field for a name the relay checks (a person's or a room's): no capital letter or
 * spelling correction added by the keyboard, and no more characters than the protocol allows.
 *
 * @example
 * <NameInput id="join-room" name="room" maxLength={MAX_ROOM_LENGTH} value={room} onValueChange={setRoom} />
 */
export function NameInput({ value, onValueChange, ...props }: NameInputProps) {
  return (
    <input
      {...props}
      autoCapitalize="none"
      spellCheck={false}
      value={value}
      onChange={(event) => {
        onValueChange(event.target.value);
      }}
    />
  );
}
