/**
 * Colours that must be known outside CSS (app.config.ts tab bar, window, icon generator).
 * Keep them in sync with the CSS custom properties in tokens.scss (test/theme.test.ts checks).
 * Contrast on white: primary 6.5:1, text 15.8:1, secondary text 6.1:1 (elder mode needs ≥ 4.5:1;
 * test/theme.test.ts checks every pair).
 */
export const PRIMARY_COLOR = '#1358c4';
export const TEXT_COLOR = '#1f2329';
export const TEXT_SECONDARY_COLOR = '#5a6270';
export const PAGE_BACKGROUND = '#f4f6f9';
/** Tab bar: unselected / selected label and icon colours. */
export const TAB_COLOR = '#5a6270';
export const TAB_SELECTED_COLOR = PRIMARY_COLOR;
