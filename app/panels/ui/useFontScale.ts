/**
 * How much larger than the default the page's type is: 1 normally, about 1.35 in projector mode
 * (app/styles.css sets the root font size). The drawings scale their boxes and rows by it, so
 * their text, sized in rem, still fits when the room needs bigger letters.
 */
import { useSyncExternalStore } from 'react';

/** The root font size the drawings' sizes were chosen for, in CSS pixels. */
const BASE_FONT_PX = 17;

function read(): number {
  const px = parseFloat(getComputedStyle(document.documentElement).fontSize);
  return Number.isFinite(px) && px > 0 ? Math.round((px / BASE_FONT_PX) * 100) / 100 : 1;
}

function subscribe(onChange: () => void): () => void {
  // Projector mode and the theme are attributes on <html>.
  const observer = new MutationObserver(onChange);
  observer.observe(document.documentElement, { attributes: true });
  return () => observer.disconnect();
}

/** The page's type scale, kept up to date when projector mode turns on or off. */
export function useFontScale(): number {
  return useSyncExternalStore(subscribe, read, () => 1);
}
