import type { PropsWithChildren } from 'react';
import './app.scss';

/** The app shell: global styles only; pages render themselves. */
function App({ children }: PropsWithChildren) {
  return children;
}

export default App;
