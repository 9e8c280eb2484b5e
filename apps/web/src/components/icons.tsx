import type { ReactNode } from "react";

// Small inline icons (no icon font, nothing fetched). Decorative: the text beside them says
// what they mean, so they are hidden from screen readers.

interface IconProps {
  className?: string;
}

function Svg({ className, children }: IconProps & { children: ReactNode }) {
  return (
    <svg className={`icon ${className ?? ""}`} viewBox="0 0 24 24" width="16" height="16" aria-hidden="true" focusable="false">
      {children}
    </svg>
  );
}

/** A paper plane. */
export function SendIcon(props: IconProps) {
  return (
    <Svg {...props}>
      <path d="M3 20.5 21 12 3 3.5l2.6 7.1L15 12l-9.4 1.4z" fill="currentColor" />
    </Svg>
  );
}

/** A clock: waiting to be sent. */
export function ClockIcon(props: IconProps) {
  return (
    <Svg {...props}>
      <circle cx="12" cy="12" r="8.5" fill="none" stroke="currentColor" strokeWidth="2" />
      <path d="M12 7.5V12l3 2" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
    </Svg>
  );
}

/** One tick: accepted by the server. */
export function CheckIcon(props: IconProps) {
  return (
    <Svg {...props}>
      <path d="m4.5 12.5 4.5 4.5 10-10" fill="none" stroke="currentColor" strokeWidth="2.2" strokeLinecap="round" strokeLinejoin="round" />
    </Svg>
  );
}

/** Two ticks: delivered. */
export function DoubleCheckIcon(props: IconProps) {
  return (
    <Svg {...props}>
      <path d="m1.5 12.5 4.5 4.5 10-10M10.5 16.5l.5.5 10-10" fill="none" stroke="currentColor" strokeWidth="2.2" strokeLinecap="round" strokeLinejoin="round" />
    </Svg>
  );
}

/** An exclamation mark in a circle: failed. */
export function AlertIcon(props: IconProps) {
  return (
    <Svg {...props}>
      <circle cx="12" cy="12" r="9" fill="none" stroke="currentColor" strokeWidth="2" />
      <path d="M12 7v6" stroke="currentColor" strokeWidth="2.2" strokeLinecap="round" />
      <circle cx="12" cy="16.5" r="1.3" fill="currentColor" />
    </Svg>
  );
}

/** Three lines: open the rooms list. */
export function MenuIcon(props: IconProps) {
  return (
    <Svg {...props}>
      <path d="M4 6.5h16M4 12h16M4 17.5h16" stroke="currentColor" strokeWidth="2.2" strokeLinecap="round" />
    </Svg>
  );
}

/** Two people: the member list. */
export function PeopleIcon(props: IconProps) {
  return (
    <Svg {...props}>
      <circle cx="9" cy="8.5" r="3.5" fill="none" stroke="currentColor" strokeWidth="2" />
      <path d="M2.5 20c.8-3.6 3.3-5.5 6.5-5.5s5.7 1.9 6.5 5.5" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
      <path d="M16 5.2a3.5 3.5 0 0 1 0 6.6M18.2 14.8c1.7.8 2.8 2.5 3.3 5.2" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
    </Svg>
  );
}

/** A cloud with a slash: offline. */
export function OfflineIcon(props: IconProps) {
  return (
    <Svg {...props}>
      <path d="M7 18h10.5a4 4 0 0 0 .6-7.95A6 6 0 0 0 7.3 8.4 4.8 4.8 0 0 0 7 18z" fill="none" stroke="currentColor" strokeWidth="2" strokeLinejoin="round" />
      <path d="m3 3 18 18" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
    </Svg>
  );
}

/** A cross: close or dismiss. */
export function CloseIcon(props: IconProps) {
  return (
    <Svg {...props}>
      <path d="m6 6 12 12M18 6 6 18" stroke="currentColor" strokeWidth="2.2" strokeLinecap="round" />
    </Svg>
  );
}
