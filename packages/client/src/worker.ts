/**
 * The worker @hearth/client starts by default (`new Worker(new URL('./worker.js', import.meta.url))`):
 * it serves databases in OPFS. To define SQL functions, write a worker of your own that calls
 * `serve({ functions })` and pass it to `connect(path, { worker })`.
 */
import { serve } from '@hearth/worker';

serve();
