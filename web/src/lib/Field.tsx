import { useId, type ReactNode } from 'react';

/**
 * A label and its control, tied by id (not by nesting), so the control's
 * accessible name is exactly the label's text — a select nested in its label
 * would add its selected option to its name.
 */
export function Field({ label, inline, children }: { label: ReactNode; inline?: boolean; children: (id: string) => ReactNode }) {
  const id = useId();
  return (
    <div className={inline ? 'field inline' : 'field'}>
      <label htmlFor={id}>{label}</label>
      {children(id)}
    </div>
  );
}
