import { CloseIcon } from "./icons.js";

/** The close button of a panel shown as an overlay (the Rooms and People panels on narrow screens). */
export function PanelCloseButton({ id, label, onClose }: { id: string; label: string; onClose: () => void }) {
  return (
    <button type="button" id={id} className="icon-button panel-close" onClick={onClose}>
      <CloseIcon />
      <span className="visually-hidden">{label}</span>
    </button>
  );
}
