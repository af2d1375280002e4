/** A tiny element builder for the tree's DOM: no innerHTML anywhere, so every name is text. */

export type Child = Node | string | null | undefined | false;

export function h(
  tag: string,
  props: { class?: string; title?: string; [attr: string]: string | undefined } = {},
  ...children: Child[]
): HTMLElement {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined) {
      continue;
    }
    if (key === 'class') {
      el.className = value;
    } else {
      el.setAttribute(key, value);
    }
  }
  return append(el, ...children);
}

/** `el.append` that skips absent children. */
export function append<T extends HTMLElement>(el: T, ...children: Child[]): T {
  for (const child of children) {
    if (child !== null && child !== undefined && child !== false) {
      el.append(child);
    }
  }
  return el;
}
