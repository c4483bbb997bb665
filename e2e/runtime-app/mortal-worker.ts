// A worker of the app's own that the tests can make die the ways a worker dies unasked: it serves as any
// app worker does, and on the test's message `{ die: 'throw' }` throws an uncaught error, on
// `{ die: 'close' }` ends itself with `self.close()` (as the browser ending it would, with no event).
import { serve } from '@hearth/worker';

serve();

self.addEventListener('message', (event: MessageEvent) => {
  const die = (event.data as { die?: unknown } | null)?.die;
  if (die === 'throw') throw new Error('the mortal worker was told to throw');
  if (die === 'close') self.close();
});
