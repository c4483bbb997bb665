/**
 * The worker behind the crossing workload's @hearth/client connection: what @hearth/client's default
 * worker runs (`serve()` from @hearth/worker, databases in OPFS).
 */
import { serve } from '@hearth/worker';

serve();
